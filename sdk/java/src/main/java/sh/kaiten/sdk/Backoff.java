package sh.kaiten.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the sender waits after a failed delivery: exponential from {@code initial}, doubling up
 * to {@code max}, with full jitter (uniform from zero to the ceiling), so clients that failed
 * together do not come back together; longer when the server asks for it with {@code Retry-After}.
 */
final class Backoff {
  /**
   * The longest wait a {@code Retry-After} is taken for: a bigger one is bounded, not honoured for
   * years.
   */
  static final Duration LONGEST_ASKED = Duration.ofHours(1);

  private final long initialNanos;
  private final long maxNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The wait after the {@code failures}-th failure in a row (1 for the first). */
  Duration after(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 62);
    long ceiling = initialNanos > maxNanos >> doublings ? maxNanos : initialNanos << doublings;
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  /** The longest wait, for a server that refuses the client itself. */
  Duration longest() {
    return Duration.ofNanos(maxNanos);
  }

  /**
   * What a {@code Retry-After} header asks for: delay-seconds or an HTTP date; null when absent or
   * unreadable; at most {@link #LONGEST_ASKED}.
   */
  static Duration retryAfter(String header, Clock clock) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    Duration asked;
    if (!value.isEmpty() && value.length() <= 9 && value.chars().allMatch(Character::isDigit)) {
      asked = Duration.ofSeconds(Long.parseLong(value));
    } else {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        asked = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (asked.isNegative()) {
      return Duration.ZERO;
    }
    return asked.compareTo(LONGEST_ASKED) > 0 ? LONGEST_ASKED : asked;
  }
}
