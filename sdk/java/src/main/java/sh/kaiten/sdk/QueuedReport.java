package sh.kaiten.sdk;

import java.math.BigDecimal;

/**
 * One usage report from the moment it is queued until the server answers for it. Its key and
 * timestamp are fixed when it is made, so every attempt, in this process or the next, is the same
 * report to the server.
 */
final class QueuedReport {
  final String idempotencyKey;

  /** When it was made, epoch millis: a late delivery still lands in this period. */
  final long timestamp;

  final String entitlement;
  final BigDecimal value;

  // Where the spool holds its line; segment is null when it waits in memory only. Set before it is
  // queued.
  Spool.Segment segment;
  long offset;
  int length;

  QueuedReport(String idempotencyKey, long timestamp, String entitlement, BigDecimal value) {
    this.idempotencyKey = idempotencyKey;
    this.timestamp = timestamp;
    this.entitlement = entitlement;
    this.value = value;
  }

  @Override
  public String toString() {
    return entitlement + " " + value + " @" + timestamp + " [" + idempotencyKey + "]";
  }
}
