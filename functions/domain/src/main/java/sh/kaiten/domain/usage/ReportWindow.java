package sh.kaiten.domain.usage;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The instants a report may carry: up to the late window old (it still lands in its own period, see
 * {@code KAITEN_USAGE_LATE_WINDOW}), and at most {@link #FUTURE_TOLERANCE} ahead of the server's
 * clock.
 */
record ReportWindow(Duration late) {
  /** How far ahead of the server's clock an instant may be (clock skew). */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);

  /** {@code at}, when the window holds it at {@code now}; else a refusal naming {@code field}. */
  Instant require(String field, Instant at, Instant now) {
    if (at.isAfter(now.plus(FUTURE_TOLERANCE))) {
      throw new InvalidInputException(
          field,
          field + " is more than " + FUTURE_TOLERANCE.toMinutes() + " minutes in the future");
    }
    if (at.isBefore(now.minus(late))) {
      throw new InvalidInputException(
          field, field + " is older than the late-report window of " + late.toHours() + " hours");
    }
    return at;
  }
}
