package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event as an instance reports it.
 *
 * @param timestamp when the usage happened; null means now
 */
public record UsageReport(String entitlementSlug, BigDecimal value, Instant timestamp) {}
