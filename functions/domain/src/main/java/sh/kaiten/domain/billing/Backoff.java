package sh.kaiten.domain.billing;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th wait is drawn from the upper half of {@code base ×
 * 2^(n-1)}, capped at {@code cap}. Half fixed, so the waits add up to a known minimum (enough to
 * outlast an outage of a known length within a number of attempts); half random, so the calls of
 * many senders that failed together spread out instead of colliding again (what Stripe asks of
 * clients that get a 429).
 */
public record Backoff(Duration base, Duration cap) {
  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("0 < base <= cap");
    }
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (from 1) failed. */
  public Duration delay(int attempt, RandomGenerator random) {
    long ceiling = cap.toMillis();
    long grown = base.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
    long full = Math.min(grown <= 0 ? ceiling : grown, ceiling);
    long half = full / 2;
    return Duration.ofMillis(full - half + random.nextLong(half + 1));
  }

  /** The least the first {@code attempts} waits add up to, whatever the jitter draws. */
  public Duration leastTotal(int attempts) {
    long total = 0;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      long full = Math.min(base.toMillis() << Math.min(attempt - 1, 30), cap.toMillis());
      total += full - full / 2;
    }
    return Duration.ofMillis(total);
  }
}
