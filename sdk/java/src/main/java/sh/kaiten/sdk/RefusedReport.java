package sh.kaiten.sdk;

import java.math.BigDecimal;
import java.time.Instant;

/** A report the server refused as bad input (a 4xx problem): never counted, and not retried. */
public final class RefusedReport {
  private final String entitlement;
  private final BigDecimal value;
  private final Instant timestamp;
  private final String idempotencyKey;
  private final int status;
  private final String detail;

  public RefusedReport(
      String entitlement,
      BigDecimal value,
      Instant timestamp,
      String idempotencyKey,
      int status,
      String detail) {
    this.entitlement = entitlement;
    this.value = value;
    this.timestamp = timestamp;
    this.idempotencyKey = idempotencyKey;
    this.status = status;
    this.detail = detail;
  }

  public String entitlement() {
    return entitlement;
  }

  public BigDecimal value() {
    return value;
  }

  public Instant timestamp() {
    return timestamp;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  /** The problem's status, e.g. 400 or 422. */
  public int status() {
    return status;
  }

  /** The problem's detail, as the server wrote it. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return "RefusedReport{"
        + entitlement
        + " "
        + value
        + " at "
        + timestamp
        + ": "
        + status
        + " "
        + detail
        + "}";
  }
}
