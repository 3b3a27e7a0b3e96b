package sh.kaiten.domain.usage;

import java.math.BigDecimal;

/**
 * A request for a lease on a HARD counter's quota.
 *
 * @param units what the client would like to spend locally: more than 0, a quantity (whole under
 *     COUNT)
 * @param ttlSeconds how long the client wants it, 1 to 300; null for the default (60)
 */
public record LeaseRequest(String entitlementSlug, BigDecimal units, Integer ttlSeconds) {}
