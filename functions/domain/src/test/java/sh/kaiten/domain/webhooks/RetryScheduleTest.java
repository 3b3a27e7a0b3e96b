package sh.kaiten.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private final RetrySchedule schedule =
      new RetrySchedule(
          List.of(
              Duration.ofSeconds(10),
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMinutes(30)),
          0.2);

  @Test
  void fiveAttemptsWithTheDelaysBetweenThem() {
    assertThat(schedule.attempts()).isEqualTo(5);
    assertThat(schedule.delayAfter(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(schedule.delayAfter(2, () -> 0.5)).isEqualTo(Duration.ofMinutes(1));
    assertThat(schedule.delayAfter(3, () -> 0.5)).isEqualTo(Duration.ofMinutes(5));
    assertThat(schedule.delayAfter(4, () -> 0.5)).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void jitterScalesEachDelayByAtMostTwentyPercentEitherWay() {
    assertThat(schedule.delayAfter(2, () -> 0.0)).isEqualTo(Duration.ofSeconds(48));
    assertThat(schedule.delayAfter(2, () -> 0.75)).isEqualTo(Duration.ofSeconds(66));
    assertThat(schedule.delayAfter(4, () -> 0.999_999))
        .isBetween(Duration.ofMinutes(35).minusMillis(2), Duration.ofMinutes(36));
  }
}
