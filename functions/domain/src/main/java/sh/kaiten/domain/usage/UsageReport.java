package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event as an instance reports it.
 *
 * @param timestamp when the usage happened; null means now
 * @param idempotencyKey makes the report count once however often it is sent; null for none
 */
public record UsageReport(String entitlementSlug, BigDecimal value, Instant timestamp, String idempotencyKey) {

  public UsageReport(String entitlementSlug, BigDecimal value, Instant timestamp) {
    this(entitlementSlug, value, timestamp, null);
  }
}
