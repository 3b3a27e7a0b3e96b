package sh.kaiten.domain.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * How long to wait after each failed attempt before the next: {@code delays.get(n - 1)} after
 * attempt n, scaled by a random factor in {@code [1 - jitter, 1 + jitter]} so that endpoints
 * failing together do not retry together. One attempt more than there are delays; then the delivery
 * has failed.
 */
public record RetrySchedule(List<Duration> delays, double jitter) {

  public RetrySchedule {
    delays = List.copyOf(delays);
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1)");
    }
  }

  public int attempts() {
    return delays.size() + 1;
  }

  /**
   * @param random a uniform draw in [0, 1)
   */
  public Duration delayAfter(int attempt, DoubleSupplier random) {
    Duration base = delays.get(Math.min(attempt, delays.size()) - 1);
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return Duration.ofMillis(Math.round(base.toMillis() * factor));
  }
}
