package sh.kaiten.domain.billing;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.operations.QueueDepths;

/**
 * Use case: how the tenant's Stripe connector is doing (admin token): what billing-sync last sent
 * and when, how far it is behind the reports it received, its errors, and the deployment's billing
 * queue and dead-letter queue depths.
 */
public final class StripeConnectorStatus {
  /** Longer than any useful last error, and a bound on the answer. */
  static final int MAX_ERROR_LENGTH = 500;

  private final StripeConnectors connectors;
  private final StripeActivity activity;
  private final QueueDepths queues;

  public StripeConnectorStatus(
      StripeConnectors connectors, StripeActivity activity, QueueDepths queues) {
    this.connectors = connectors;
    this.activity = activity;
    this.queues = queues;
  }

  /**
   * @param lag how far the newest report sent is behind the newest report received (zero when
   *     caught up; null until something was both received and sent)
   * @param queueDepth messages waiting on the billing queue, every tenant's
   * @param deadLetterDepth messages in the billing dead-letter queue, every tenant's
   */
  public record Status(
      StripeActivity.Activity activity, Duration lag, long queueDepth, long deadLetterDepth) {}

  public Status status(ApiToken caller) {
    caller.requireAdmin();
    connectors
        .find(caller.tenantId())
        .orElseThrow(() -> new NotFoundException("connector", "stripe"));
    StripeActivity.Activity seen =
        activity
            .find(caller.tenantId())
            .orElse(new StripeActivity.Activity(null, 0, null, null, 0, null, null));
    return new Status(
        seen,
        lag(seen.lastReportSentAt(), seen.lastReportSeenAt()),
        queues.depth(QueueDepths.Backlog.BILLING),
        queues.depth(QueueDepths.Backlog.BILLING_DEAD_LETTERS));
  }

  private static Duration lag(Instant sent, Instant seen) {
    if (seen == null || sent == null) {
      return null;
    }
    Duration behind = Duration.between(sent, seen);
    return behind.isNegative() ? Duration.ZERO : behind;
  }

  /** A reason as the status keeps it: at most {@link #MAX_ERROR_LENGTH} characters. */
  public static String bounded(String reason) {
    return reason == null || reason.length() <= MAX_ERROR_LENGTH
        ? reason
        : reason.substring(0, MAX_ERROR_LENGTH);
  }
}
