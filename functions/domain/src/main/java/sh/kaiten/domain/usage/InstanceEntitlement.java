package sh.kaiten.domain.usage;

import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.metering.UsageState;

/**
 * One entitlement as an instance sees it now.
 *
 * @param usage for NUMERIC entitlements, the usage state in the current period; null otherwise
 */
public record InstanceEntitlement(Evaluation evaluation, UsageState usage) {}
