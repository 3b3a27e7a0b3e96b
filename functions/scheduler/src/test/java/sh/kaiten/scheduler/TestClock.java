package sh.kaiten.scheduler;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The function's clock in these tests: the system clock until a test sets it, so a test can stand
 * at the instant a period closes.
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock extends Clock {
  private volatile Instant fixed;

  public void set(Instant instant) {
    fixed = instant;
  }

  public void reset() {
    fixed = null;
  }

  @Override
  public Instant instant() {
    Instant now = fixed;
    return now != null ? now : Instant.now();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the functions keep time in UTC");
  }
}
