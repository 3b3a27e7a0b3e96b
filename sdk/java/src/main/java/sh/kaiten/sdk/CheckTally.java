package sh.kaiten.sdk;

import java.time.Instant;

/** How many checks of one entitlement, in one UTC minute, came to one decision for one reason. */
final class CheckTally {
  final String entitlement;
  final Instant minute;
  final boolean allowed;
  final Reason reason;
  final long count;

  CheckTally(String entitlement, Instant minute, boolean allowed, Reason reason, long count) {
    this.entitlement = entitlement;
    this.minute = minute;
    this.allowed = allowed;
    this.reason = reason;
    this.count = count;
  }

  @Override
  public String toString() {
    return entitlement
        + "@"
        + minute
        + (allowed ? " allowed " : " refused ")
        + reason
        + " x"
        + count;
  }
}
