package sh.kaiten.domain.outbox;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * What one accepted report added to a counter, as the billing stream carries it.
 *
 * @param reportId what names the report for good: its audit record id, or the instance's
 *     idempotency key; redeliveries and retries carry the same one
 * @param value the reported value (a SUM adds it, a COUNT counts the report)
 * @param reportedAt the report's timestamp: the meter event's
 * @param standing where the report left its counter, for a MAX, MIN, AVERAGE or LATEST counter
 *     (whose Stripe meter takes the counter's value, not the report's); null for SUM and COUNT, and
 *     on messages written before it was carried
 */
public record AcceptedReport(
    String tenantId,
    String reportId,
    String entitlement,
    BigDecimal value,
    Instant reportedAt,
    Standing standing) {
  public AcceptedReport {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(entitlement, "entitlement");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(reportedAt, "reportedAt");
  }

  /** A report of a SUM or COUNT counter, whose own value is what billing needs. */
  public AcceptedReport(
      String tenantId, String reportId, String entitlement, BigDecimal value, Instant reportedAt) {
    this(tenantId, reportId, entitlement, value, reportedAt, null);
  }

  /**
   * A counter's period value right after a report, as the write that counted it answered it (the
   * report's {@code current_usage}), and the period it counts in.
   *
   * @param periodStart null for a lifetime counter ({@code reset: NONE})
   * @param periodEnd null for a lifetime counter, which never closes
   */
  public record Standing(BigDecimal periodValue, Instant periodStart, Instant periodEnd) {
    public Standing {
      Objects.requireNonNull(periodValue, "periodValue");
    }
  }
}
