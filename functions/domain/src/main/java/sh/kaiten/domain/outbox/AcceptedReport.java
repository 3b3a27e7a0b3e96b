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
 */
public record AcceptedReport(
    String tenantId, String reportId, String entitlement, BigDecimal value, Instant reportedAt) {
  public AcceptedReport {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(entitlement, "entitlement");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(reportedAt, "reportedAt");
  }
}
