package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event as an instance reports it.
 *
 * @param timestamp when the usage happened; null means now
 * @param idempotencyKey makes the report count once however often it is sent; null for none
 * @param leaseId the lease whose units the report spent ({@link QuotaLeasing#settle}); null for a
 *     plain report
 * @param reports how many reports of the lease's holder a settlement stands for, whose values sum
 *     to {@code value} (1 to {@link QuotaLeasing#MAX_REPORTS}); null for one. Only with {@code
 *     leaseId}
 */
public record UsageReport(
    String entitlementSlug,
    BigDecimal value,
    Instant timestamp,
    String idempotencyKey,
    String leaseId,
    Integer reports) {

  public UsageReport(
      String entitlementSlug,
      BigDecimal value,
      Instant timestamp,
      String idempotencyKey,
      String leaseId) {
    this(entitlementSlug, value, timestamp, idempotencyKey, leaseId, null);
  }

  public UsageReport(
      String entitlementSlug, BigDecimal value, Instant timestamp, String idempotencyKey) {
    this(entitlementSlug, value, timestamp, idempotencyKey, null);
  }

  public UsageReport(String entitlementSlug, BigDecimal value, Instant timestamp) {
    this(entitlementSlug, value, timestamp, null);
  }
}
