package sh.kaiten.domain.evaluation;

import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;

/**
 * The answer to "may this instance use this entitlement, and how much".
 *
 * @param value what the license gives, or null when it gives nothing
 */
public record Evaluation(
    Entitlement entitlement,
    boolean enabled,
    EntitlementValue value,
    Source source,
    Reason reason) {}
