package sh.kaiten.domain.metering;

import sh.kaiten.domain.evaluation.Reason;

/**
 * The answer to a usage report: the usage state after it, whose status is the report's outcome.
 *
 * @param reason why the report was REJECTED; null when it was counted
 * @param replayed whether this is the remembered answer to an idempotency key used before
 */
public record ReportResult(UsageState state, Reason reason, boolean replayed) {

  public ReportResult(UsageState state, Reason reason) {
    this(state, reason, false);
  }

  public ReportResult asReplay() {
    return new ReportResult(state, reason, true);
  }
}
