package sh.kaiten.domain.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.ReportResult;

/**
 * Idempotency keys of reports, single, batched and settling a lease alike: what a key may look
 * like, what it remembers of its first report, and how a report sent again under it is answered.
 */
final class IdempotencyKeys {
  /** An idempotency key: 1 to 128 of letters, digits and {@code . _ : -}. */
  static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** How long an idempotency key is remembered. */
  static final Duration WINDOW = Duration.ofDays(35);

  private IdempotencyKeys() {}

  /**
   * What a report's idempotency key remembers: the report as sent and its answer, for the
   * idempotency window.
   */
  static IdempotentReport remember(
      InstanceContext context, UsageReport report, ReportResult answer, Instant now) {
    return new IdempotentReport(
        context.tenantId(),
        context.instance().id(),
        report.idempotencyKey(),
        fingerprint(report),
        answer,
        now.plus(WINDOW));
  }

  /** The first answer of a report's key, or a conflict when the key was used for another report. */
  static ReportResult replayOf(IdempotentReport first, UsageReport report) {
    if (!first.fingerprint().equals(fingerprint(report))) {
      throw new ConflictException(
          "idempotency_key",
          "idempotency key '"
              + report.idempotencyKey()
              + "' was used for another report; a key may be reused only with the same report");
    }
    return first.result().asReplay();
  }

  /**
   * The report as sent, so a replay can be told from another report under the same key. A
   * settlement's {@code reports} is part of it only above one, so a key remembered before there was
   * {@code reports} still matches its report.
   */
  static String fingerprint(UsageReport report) {
    return report.entitlementSlug()
        + "|"
        + report.value().stripTrailingZeros().toPlainString()
        + "|"
        + (report.timestamp() == null ? "" : report.timestamp().toString())
        + (report.reports() == null || report.reports() == 1 ? "" : "|" + report.reports());
  }
}
