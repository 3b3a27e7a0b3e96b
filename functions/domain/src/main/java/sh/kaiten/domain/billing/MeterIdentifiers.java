package sh.kaiten.domain.billing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import sh.kaiten.domain.outbox.AcceptedReport;

/**
 * The identifier of a meter event, derived from what it stands for and nothing else (not the time
 * it is sent, not the attempt), so a retry, a redelivery or a second sender all carry the same one
 * and Stripe and the sent-ledger both recognise it.
 *
 * <p>The parts (tenant ids, report ids, idempotency keys chosen by vendors) can together pass
 * Stripe's 100 characters, so the identifier is a SHA-256 of them, length-prefixed so that no two
 * different part lists hash the same bytes: {@code kr_} + 64 hex digits for a report, {@code kw_}
 * for a window.
 */
public final class MeterIdentifiers {
  private MeterIdentifiers() {}

  /** A SUM or COUNT report's event. */
  public static String ofReport(AcceptedReport report) {
    return "kr_" + digest(report.tenantId(), report.entitlement(), report.reportId());
  }

  /** A MAX, MIN, AVERAGE or LATEST window's event. */
  public static String ofWindow(WindowValue window) {
    return "kw_"
        + digest(
            window.tenantId(),
            window.entitlement(),
            window.holder(),
            window.windowStart().toString());
  }

  private static String digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha.update(bytes);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
