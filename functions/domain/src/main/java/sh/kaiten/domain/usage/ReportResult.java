package sh.kaiten.domain.usage;

import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.UsageState;

/**
 * The answer to a usage report: the usage state after it, whose status is the report's outcome.
 *
 * @param reason why the report was REJECTED; null when it was counted
 */
public record ReportResult(UsageState state, Reason reason) {}
