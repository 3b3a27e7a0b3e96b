package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Port: what a reconciliation run's audit pages counted, per customer and entitlement, kept beside
 * the run rather than in its queue messages (which are at most 256 KB), so a step's message stays
 * small however many customers and meters a tenant has: a SUM's or COUNT's total, and a {@code
 * last} meter's latest event.
 */
public interface ReconciliationTallies {
  /**
   * Adds a page's totals to the run's, each pair's once for the page: a pair that has had this page
   * or a later one added is left as it is. A run's steps follow one another (a page's step is
   * queued once the step before has added its totals), so a redelivered step adds nothing twice.
   *
   * @param page the page's number in the run, from 0
   * @param keepUntil when the run's totals may be forgotten
   */
  void add(
      String tenantId,
      String runId,
      int page,
      Map<CountedUsage.Key, BigDecimal> totals,
      Instant keepUntil);

  /** The run's total of a customer's entitlement; zero when none was added. */
  BigDecimal total(String tenantId, String runId, CountedUsage.Key pair);

  /**
   * Merges events into the run's latest of each pair ({@link LastEvent#latest}). The merge keeps
   * the latest whatever the order and however often an event comes, so a redelivered step, or a
   * page merged again, changes nothing.
   *
   * @param keepUntil when the run's latest events may be forgotten
   */
  void merge(
      String tenantId, String runId, Map<CountedUsage.Key, LastEvent> latest, Instant keepUntil);

  /** The latest event merged for a customer's entitlement; empty when none was. */
  Optional<LastEvent> latest(String tenantId, String runId, CountedUsage.Key pair);

  /**
   * The latest of the meter events a customer's {@code last} meter was sent, as Stripe tells them
   * apart: by their second.
   *
   * @param second the events' timestamp, to the second (Stripe keeps no finer)
   * @param value the value Stripe was sent (scaled, whole); when {@code tied}, the largest of them
   * @param tied whether events of that second carry different values: Stripe keeps one of them, and
   *     does not say which, so the pair cannot be compared exactly
   */
  record LastEvent(Instant second, long value, boolean tied) {
    public LastEvent {
      Objects.requireNonNull(second, "second");
      second = second.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The meter event as Stripe keeps it. */
    public static LastEvent of(MeterEvent event) {
      return new LastEvent(event.timestamp(), event.value(), false);
    }

    /**
     * Of this and {@code other}, the one Stripe keeps: the later second's; of one second, a tie
     * unless both hold one value. Order-free and idempotent, so merges may come in any order and
     * again.
     */
    public LastEvent latest(LastEvent other) {
      int order = second.compareTo(other.second);
      if (order != 0) {
        return order > 0 ? this : other;
      }
      return new LastEvent(
          second, Math.max(value, other.value), tied || other.tied || value != other.value);
    }
  }
}
