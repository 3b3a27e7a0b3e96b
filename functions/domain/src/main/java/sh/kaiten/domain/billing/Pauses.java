package sh.kaiten.domain.billing;

import java.time.Duration;

/**
 * Waiting between attempts: the thread sleeps in production; tests move a clock instead, so a
 * minute's outage passes without a minute's wait.
 */
@FunctionalInterface
public interface Pauses {
  void pause(Duration duration) throws InterruptedException;
}
