package sh.kaiten.sdk;

import java.time.Duration;
import java.util.Set;

/**
 * What a {@link KaitenClient} tells about itself. Every method has an empty default, so a listener
 * overrides what it cares about. Called from the client's background threads; a listener that
 * throws is logged and does not disturb the client.
 */
public interface KaitenListener {

  /**
   * A new snapshot differs from the last one in these entitlements (slugs added, removed or
   * changed).
   */
  default void snapshotChanged(Set<String> entitlements) {}

  /**
   * The snapshot has not been confirmed by the server for {@code age}: checks now answer {@code
   * stale()}.
   */
  default void stale(Duration age) {}

  /** The server confirmed the snapshot again after it was stale. */
  default void fresh() {}

  /**
   * The server refused a report at a HARD limit (or a SOFT limit's overage cap): it was not
   * counted.
   */
  default void reportRejected(RejectedReport report) {}

  /**
   * The server refused a report as bad input (an unknown entitlement, a report older than the
   * server's late window, ...): it can never be counted and leaves the queue.
   */
  default void reportRefused(RefusedReport report) {}

  /** Delivering reports failed and will be retried: the reports stay queued. */
  default void deliveryFailing(DeliveryFailure failure) {}

  /** Reports were delivered again after failures. */
  default void deliveryRecovered() {}

  /**
   * The spool is full: {@code report} keeps queueing in memory, but these reports would not survive
   * a restart until the spool drains.
   */
  default void spoolFull(long queued) {}
}
