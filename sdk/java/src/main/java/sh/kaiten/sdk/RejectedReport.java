package sh.kaiten.sdk;

import java.math.BigDecimal;
import java.time.Instant;

/** A report the server answered REJECTED: not counted. */
public final class RejectedReport {
  private final String entitlement;
  private final BigDecimal value;
  private final Instant timestamp;
  private final String idempotencyKey;
  private final String reason;
  private final BigDecimal currentUsage;
  private final BigDecimal limit;

  public RejectedReport(
      String entitlement,
      BigDecimal value,
      Instant timestamp,
      String idempotencyKey,
      String reason,
      BigDecimal currentUsage,
      BigDecimal limit) {
    this.entitlement = entitlement;
    this.value = value;
    this.timestamp = timestamp;
    this.idempotencyKey = idempotencyKey;
    this.reason = reason;
    this.currentUsage = currentUsage;
    this.limit = limit;
  }

  public String entitlement() {
    return entitlement;
  }

  public BigDecimal value() {
    return value;
  }

  /** When the report was made (enqueued). */
  public Instant timestamp() {
    return timestamp;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  /** The server's reason, e.g. {@code LIMIT_REACHED} or a license reason. */
  public String reason() {
    return reason;
  }

  /** The counter when the server refused it. */
  public BigDecimal currentUsage() {
    return currentUsage;
  }

  /** Null when unlimited. */
  public BigDecimal limit() {
    return limit;
  }

  @Override
  public String toString() {
    return "RejectedReport{" + entitlement + " " + value + " at " + timestamp + ": " + reason + "}";
  }
}
