package sh.kaiten.domain.usage;

import java.time.Instant;
import sh.kaiten.domain.evaluation.Reason;

/**
 * A report located on its counter and decided up to its write.
 *
 * @param index its place in its batch (0 for a single report)
 * @param at when the usage happened (the report's timestamp, or the server's time)
 * @param now the server's time the report was decided at
 * @param refusal why it is refused without a write (license inactive, a value no counter could
 *     take); null when it goes to its counter
 */
record MeteredReport(
    int index, UsageReport report, Instant at, Instant now, Meter meter, Reason refusal) {

  String idempotencyKey() {
    return report.idempotencyKey();
  }
}
