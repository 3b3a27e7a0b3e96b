package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The wait after a failed delivery: full jitter under a doubling ceiling, and what Retry-After
 * asks.
 */
class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T01:02:03Z"));

  @Test
  void eachWaitIsDrawnUnderACeilingThatDoublesUpToTheLongest() {
    long[] ceilings = {500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (int failure = 1; failure <= ceilings.length; failure++) {
      long longest = 0;
      for (int draw = 0; draw < 2000; draw++) {
        Duration wait = backoff.after(failure);
        assertThat(wait.toMillis()).isBetween(0L, ceilings[failure - 1]);
        longest = Math.max(longest, wait.toMillis());
      }
      // Full jitter: the draws reach the top quarter of their range.
      assertThat(longest).isGreaterThan(ceilings[failure - 1] * 3 / 4);
    }
    assertThat(backoff.after(10_000).toMillis()).isBetween(0L, 60_000L);
    assertThat(backoff.longest()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
    assertThat(Backoff.retryAfter("2", clock)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.retryAfter(" 120 ", clock)).isEqualTo(Duration.ofSeconds(120));
    assertThat(Backoff.retryAfter("Fri, 04 Dec 2026 01:02:33 GMT", clock))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aRetryAfterInThePastAsksForNothingAndAHugeOneIsBounded() {
    assertThat(Backoff.retryAfter("Fri, 04 Dec 2026 01:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
    assertThat(Backoff.retryAfter("999999999", clock)).isEqualTo(Duration.ofHours(1));
    assertThat(Backoff.retryAfter("99999999999999999999", clock)).isNull();
  }

  @Test
  void anUnreadableOrMissingRetryAfterAsksForNothing() {
    assertThat(Backoff.retryAfter(null, clock)).isNull();
    assertThat(Backoff.retryAfter("soon", clock)).isNull();
    assertThat(Backoff.retryAfter("-5", clock)).isNull();
    assertThat(Backoff.retryAfter("", clock)).isNull();
  }
}
