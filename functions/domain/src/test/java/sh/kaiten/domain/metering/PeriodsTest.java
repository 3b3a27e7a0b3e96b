package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;

class PeriodsTest {

  private static Period calendar(Reset reset, String at) {
    return Periods.containing(reset, ResetAnchor.CALENDAR, null, Instant.parse(at));
  }

  private static Period anchored(Reset reset, String start, String at) {
    return Periods.containing(reset, ResetAnchor.LICENSE_START, Instant.parse(start), Instant.parse(at));
  }

  private static Period period(String start, String end) {
    return new Period(Instant.parse(start), Instant.parse(end));
  }

  @Test
  void calendarPeriodsFollowUtcBoundaries() {
    assertThat(calendar(Reset.HOUR, "2026-11-25T19:59:59.999Z")).isEqualTo(period("2026-11-25T19:00:00Z", "2026-11-25T20:00:00Z"));
    assertThat(calendar(Reset.DAY, "2026-11-25T00:00:00Z")).isEqualTo(period("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"));
    assertThat(calendar(Reset.WEEK, "2026-11-29T23:00:00Z")).isEqualTo(period("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"));
    assertThat(calendar(Reset.MONTH, "2028-02-29T12:00:00Z")).isEqualTo(period("2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"));
    assertThat(calendar(Reset.YEAR, "2026-12-31T23:59:59Z")).isEqualTo(period("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
  }

  @Test
  void noResetIsOneLifetimePeriod() {
    assertThat(calendar(Reset.NONE, "2026-11-25T19:00:00Z")).isEqualTo(Period.LIFETIME);
    assertThat(Period.LIFETIME.key()).isEqualTo("lifetime");
  }

  @Test
  void licenseStartMonthsClampToMonthEndAndRecover() {
    String start = "2027-01-31T10:00:00Z";
    assertThat(anchored(Reset.MONTH, start, "2027-02-15T00:00:00Z")).isEqualTo(period(start, "2027-02-28T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, start, "2027-02-28T10:00:00Z")).isEqualTo(period("2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, start, "2027-03-31T09:59:59Z")).isEqualTo(period("2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, "2028-01-31T00:00:00Z", "2028-03-01T00:00:00Z")).isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"));
  }

  @Test
  void licenseStartYearsAndDays() {
    assertThat(anchored(Reset.YEAR, "2028-02-29T00:00:00Z", "2029-03-01T00:00:00Z")).isEqualTo(period("2029-02-28T00:00:00Z", "2030-02-28T00:00:00Z"));
    assertThat(anchored(Reset.DAY, "2026-11-01T06:30:00Z", "2026-11-25T06:29:59Z")).isEqualTo(period("2026-11-24T06:30:00Z", "2026-11-25T06:30:00Z"));
    assertThat(anchored(Reset.HOUR, "2026-11-01T06:30:00Z", "2026-10-31T23:45:00Z")).isEqualTo(period("2026-10-31T23:30:00Z", "2026-11-01T00:30:00Z"));
  }
}
