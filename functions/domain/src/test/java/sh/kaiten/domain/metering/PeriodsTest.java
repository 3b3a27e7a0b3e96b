package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;

class PeriodsTest {

  private static Period calendar(Reset reset, String at) {
    return Periods.containing(reset, ResetAnchor.CALENDAR, null, Instant.parse(at));
  }

  private static Period anchored(Reset reset, String start, String at) {
    return Periods.containing(
        reset, ResetAnchor.LICENSE_START, Instant.parse(start), Instant.parse(at));
  }

  private static Period period(String start, String end) {
    return new Period(Instant.parse(start), Instant.parse(end));
  }

  /**
   * A clock stopped at {@code instant}, read in {@code zone}: the zone must never move a period.
   */
  private static Clock clock(String instant, String zone) {
    return Clock.fixed(Instant.parse(instant), ZoneId.of(zone));
  }

  private static Period now(Reset reset, ResetAnchor anchor, String licenseStart, Clock clock) {
    return Periods.containing(
        reset, anchor, licenseStart == null ? null : Instant.parse(licenseStart), clock.instant());
  }

  /**
   * Checks that {@code starts} are consecutive periods phased from {@code starts[0]}: a clock an
   * hour into each one, and one a nanosecond before its end, find it, and {@link Periods#following}
   * walks them.
   */
  private static void assertMonthlyPeriods(Reset reset, List<String> starts) {
    Instant licenseStart = Instant.parse(starts.get(0));
    List<Period> walked = new ArrayList<>();
    Period current =
        Periods.containing(reset, ResetAnchor.LICENSE_START, licenseStart, licenseStart);
    for (int i = 0; i + 1 < starts.size(); i++) {
      Period expected = period(starts.get(i), starts.get(i + 1));
      Clock early =
          Clock.offset(Clock.fixed(expected.start(), ZoneOffset.UTC), Duration.ofHours(1));
      Clock late = Clock.offset(Clock.fixed(expected.end(), ZoneOffset.UTC), Duration.ofNanos(-1));
      assertThat(
              Periods.containing(reset, ResetAnchor.LICENSE_START, licenseStart, early.instant()))
          .isEqualTo(expected);
      assertThat(Periods.containing(reset, ResetAnchor.LICENSE_START, licenseStart, late.instant()))
          .isEqualTo(expected);
      walked.add(current);
      current =
          Periods.following(reset, ResetAnchor.LICENSE_START, licenseStart, current).orElseThrow();
    }
    assertThat(walked)
        .containsExactlyElementsOf(
            IntStream.range(0, starts.size() - 1)
                .mapToObj(i -> period(starts.get(i), starts.get(i + 1)))
                .toList());
  }

  @Test
  void calendarPeriodsFollowUtcBoundaries() {
    assertThat(calendar(Reset.HOUR, "2026-11-25T19:59:59.999Z"))
        .isEqualTo(period("2026-11-25T19:00:00Z", "2026-11-25T20:00:00Z"));
    assertThat(calendar(Reset.DAY, "2026-11-25T00:00:00Z"))
        .isEqualTo(period("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"));
    assertThat(calendar(Reset.WEEK, "2026-11-29T23:00:00Z"))
        .isEqualTo(period("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"));
    assertThat(calendar(Reset.MONTH, "2028-02-29T12:00:00Z"))
        .isEqualTo(period("2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"));
    assertThat(calendar(Reset.YEAR, "2026-12-31T23:59:59Z"))
        .isEqualTo(period("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
  }

  @Test
  void noResetIsOneLifetimePeriod() {
    assertThat(calendar(Reset.NONE, "2026-11-25T19:00:00Z")).isEqualTo(Period.LIFETIME);
    assertThat(Period.LIFETIME.key()).isEqualTo("lifetime");
  }

  @Test
  void licenseStartMonthsClampToMonthEndAndRecover() {
    String start = "2027-01-31T10:00:00Z";
    assertThat(anchored(Reset.MONTH, start, "2027-02-15T00:00:00Z"))
        .isEqualTo(period(start, "2027-02-28T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, start, "2027-02-28T10:00:00Z"))
        .isEqualTo(period("2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, start, "2027-03-31T09:59:59Z"))
        .isEqualTo(period("2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z"));
    assertThat(anchored(Reset.MONTH, "2028-01-31T00:00:00Z", "2028-03-01T00:00:00Z"))
        .isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"));
  }

  @Test
  void licenseStartYearsAndDays() {
    assertThat(anchored(Reset.YEAR, "2028-02-29T00:00:00Z", "2029-03-01T00:00:00Z"))
        .isEqualTo(period("2029-02-28T00:00:00Z", "2030-02-28T00:00:00Z"));
    assertThat(anchored(Reset.DAY, "2026-11-01T06:30:00Z", "2026-11-25T06:29:59Z"))
        .isEqualTo(period("2026-11-24T06:30:00Z", "2026-11-25T06:30:00Z"));
    assertThat(anchored(Reset.HOUR, "2026-11-01T06:30:00Z", "2026-10-31T23:45:00Z"))
        .isEqualTo(period("2026-10-31T23:30:00Z", "2026-11-01T00:30:00Z"));
  }

  @Test
  void aJanuary31stStartClampsToEachMonthEndOfANonLeapYear() {
    assertMonthlyPeriods(
        Reset.MONTH,
        List.of(
            "2027-01-31T10:00:00Z",
            "2027-02-28T10:00:00Z",
            "2027-03-31T10:00:00Z",
            "2027-04-30T10:00:00Z",
            "2027-05-31T10:00:00Z",
            "2027-06-30T10:00:00Z",
            "2027-07-31T10:00:00Z",
            "2027-08-31T10:00:00Z",
            "2027-09-30T10:00:00Z",
            "2027-10-31T10:00:00Z",
            "2027-11-30T10:00:00Z",
            "2027-12-31T10:00:00Z",
            "2028-01-31T10:00:00Z"));
  }

  @Test
  void aJanuary31stStartGetsFebruary29thInALeapYear() {
    assertMonthlyPeriods(
        Reset.MONTH,
        List.of(
            "2028-01-31T00:00:00Z",
            "2028-02-29T00:00:00Z",
            "2028-03-31T00:00:00Z",
            "2028-04-30T00:00:00Z",
            "2028-05-31T00:00:00Z",
            "2028-06-30T00:00:00Z",
            "2028-07-31T00:00:00Z",
            "2028-08-31T00:00:00Z",
            "2028-09-30T00:00:00Z",
            "2028-10-31T00:00:00Z",
            "2028-11-30T00:00:00Z",
            "2028-12-31T00:00:00Z",
            "2029-01-31T00:00:00Z"));
  }

  @Test
  void aFebruary29thStartRenewsOnFebruary28thUntilTheNextLeapYear() {
    assertMonthlyPeriods(
        Reset.YEAR,
        List.of(
            "2028-02-29T12:00:00Z",
            "2029-02-28T12:00:00Z",
            "2030-02-28T12:00:00Z",
            "2031-02-28T12:00:00Z",
            "2032-02-29T12:00:00Z",
            "2033-02-28T12:00:00Z"));
  }

  @Test
  void daylightSavingChangesDoNotMoveUtcPeriods() {
    Clock parisSpringForward =
        clock("2026-03-29T01:30:00Z", "Europe/Paris"); // 03:30 in Paris, an hour after the change
    assertThat(now(Reset.DAY, ResetAnchor.CALENDAR, null, parisSpringForward))
        .isEqualTo(period("2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z"));
    assertThat(now(Reset.HOUR, ResetAnchor.CALENDAR, null, parisSpringForward))
        .isEqualTo(period("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
    assertThat(
            now(Reset.DAY, ResetAnchor.LICENSE_START, "2026-03-28T01:30:00Z", parisSpringForward))
        .isEqualTo(period("2026-03-29T01:30:00Z", "2026-03-30T01:30:00Z"));
    assertThat(
            now(
                Reset.HOUR,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-10-25T01:30:00Z", "Europe/Paris")))
        .isEqualTo(period("2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
    assertThat(
            now(
                Reset.DAY,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-03-08T07:30:00Z", "America/New_York")))
        .isEqualTo(period("2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"));
  }

  @Test
  void aBoundaryInstantStartsTheNextPeriodAndTheNanosecondBeforeEndsThePrevious() {
    assertThat(now(Reset.HOUR, ResetAnchor.CALENDAR, null, clock("2026-11-25T20:00:00Z", "UTC")))
        .isEqualTo(period("2026-11-25T20:00:00Z", "2026-11-25T21:00:00Z"));
    assertThat(
            now(
                Reset.HOUR,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-11-25T19:59:59.999999999Z", "UTC")))
        .isEqualTo(period("2026-11-25T19:00:00Z", "2026-11-25T20:00:00Z"));
    assertThat(now(Reset.DAY, ResetAnchor.CALENDAR, null, clock("2026-11-26T00:00:00Z", "UTC")))
        .isEqualTo(period("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"));
    assertThat(
            now(
                Reset.DAY,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-11-25T23:59:59.999999999Z", "UTC")))
        .isEqualTo(period("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"));
    assertThat(
            now(
                Reset.WEEK,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-11-30T00:00:00Z", "UTC"))) // a Monday
        .isEqualTo(period("2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"));
    assertThat(
            now(
                Reset.WEEK,
                ResetAnchor.CALENDAR,
                null,
                clock("2026-11-29T23:59:59.999999999Z", "UTC")))
        .isEqualTo(period("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"));
    assertThat(now(Reset.MONTH, ResetAnchor.CALENDAR, null, clock("2027-03-01T00:00:00Z", "UTC")))
        .isEqualTo(period("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"));
    assertThat(
            now(
                Reset.MONTH,
                ResetAnchor.CALENDAR,
                null,
                clock("2027-02-28T23:59:59.999999999Z", "UTC")))
        .isEqualTo(period("2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"));
    assertThat(now(Reset.YEAR, ResetAnchor.CALENDAR, null, clock("2027-01-01T00:00:00Z", "UTC")))
        .isEqualTo(period("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"));
  }

  @Test
  void licenseStartHoursDaysAndWeeksArePhasedFromTheStartInstant() {
    String start = "2026-11-04T06:30:15Z"; // a Wednesday
    assertThat(
            now(Reset.HOUR, ResetAnchor.LICENSE_START, start, clock("2026-11-25T19:30:15Z", "UTC")))
        .isEqualTo(period("2026-11-25T19:30:15Z", "2026-11-25T20:30:15Z"));
    assertThat(
            now(
                Reset.HOUR,
                ResetAnchor.LICENSE_START,
                start,
                clock("2026-11-25T19:30:14.999999999Z", "UTC")))
        .isEqualTo(period("2026-11-25T18:30:15Z", "2026-11-25T19:30:15Z"));
    assertThat(
            now(Reset.DAY, ResetAnchor.LICENSE_START, start, clock("2026-11-25T06:30:15Z", "UTC")))
        .isEqualTo(period("2026-11-25T06:30:15Z", "2026-11-26T06:30:15Z"));
    assertThat(
            now(Reset.WEEK, ResetAnchor.LICENSE_START, start, clock("2026-11-25T06:30:15Z", "UTC")))
        .isEqualTo(period("2026-11-25T06:30:15Z", "2026-12-02T06:30:15Z"));
    assertThat(
            now(
                Reset.WEEK,
                ResetAnchor.LICENSE_START,
                start,
                clock("2026-11-25T06:30:14.999999999Z", "UTC")))
        .isEqualTo(period("2026-11-18T06:30:15Z", "2026-11-25T06:30:15Z"));
  }

  @Test
  void beforeTheLicenseStartThePhaseExtendsBackwards() {
    assertThat(
            now(
                Reset.WEEK,
                ResetAnchor.LICENSE_START,
                "2026-11-04T06:30:15Z",
                clock("2026-11-01T00:00:00Z", "UTC")))
        .isEqualTo(period("2026-10-28T06:30:15Z", "2026-11-04T06:30:15Z"));
    assertThat(
            now(
                Reset.MONTH,
                ResetAnchor.LICENSE_START,
                "2027-03-31T00:00:00Z",
                clock("2027-03-15T00:00:00Z", "UTC")))
        .isEqualTo(period("2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"));
    assertThat(
            now(
                Reset.MONTH,
                ResetAnchor.LICENSE_START,
                "2027-03-31T00:00:00Z",
                clock("2027-02-27T00:00:00Z", "UTC")))
        .isEqualTo(period("2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"));
  }

  @Test
  void instantsCenturiesFromTheLicenseStartStillFindTheirPeriod() {
    assertThat(
            now(
                Reset.HOUR,
                ResetAnchor.LICENSE_START,
                "1990-01-01T00:30:00Z",
                clock("2400-06-01T12:00:00Z", "UTC")))
        .isEqualTo(period("2400-06-01T11:30:00Z", "2400-06-01T12:30:00Z"));
    assertThat(
            now(
                Reset.DAY,
                ResetAnchor.LICENSE_START,
                "2400-01-01T06:00:00Z",
                clock("1990-01-01T00:00:00Z", "UTC")))
        .isEqualTo(period("1989-12-31T06:00:00Z", "1990-01-01T06:00:00Z"));
  }

  @Test
  void followingGivesTheNextPeriodAndTheLifetimeNone() {
    assertThat(
            Periods.following(
                Reset.MONTH,
                ResetAnchor.CALENDAR,
                null,
                period("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")))
        .contains(period("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"));
    assertThat(Periods.following(Reset.NONE, ResetAnchor.CALENDAR, null, Period.LIFETIME))
        .isEqualTo(Optional.empty());
  }
}
