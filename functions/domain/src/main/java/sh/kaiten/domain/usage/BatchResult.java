package sh.kaiten.domain.usage;

import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.metering.ReportResult;

/**
 * The outcome of one report of a batch: its answer, or why it was not taken (exactly one is set).
 */
public record BatchResult(ReportResult result, KaitenException error) {

  static BatchResult of(ReportResult result) {
    return new BatchResult(result, null);
  }

  static BatchResult failed(KaitenException error) {
    return new BatchResult(null, error);
  }
}
