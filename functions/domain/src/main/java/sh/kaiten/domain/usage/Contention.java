package sh.kaiten.domain.usage;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import sh.kaiten.domain.metering.CounterContendedException;

/**
 * A write the store refused because another write of the same counter was in flight (a transaction)
 * was not applied; it is tried again a few times, after a short random pause that grows.
 */
final class Contention {
  /** How often a write that met another write of its counter is tried. */
  private static final int ATTEMPTS = 8;

  private Contention() {}

  /**
   * @param write given the attempt, from 1: a retry reads what it needs afresh
   */
  static <T> T retried(IntFunction<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.apply(attempt);
      } catch (CounterContendedException contended) {
        if (attempt == ATTEMPTS) {
          throw contended;
        }
        backOff(attempt);
      }
    }
  }

  /** A short random pause that grows with the attempts, so that contenders spread out. */
  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1L << Math.min(attempt + 2, 8)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a contended report", e);
    }
  }
}
