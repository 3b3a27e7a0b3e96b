package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.Generate.enumValues;
import static org.quicktheories.generators.Generate.frequency;
import static org.quicktheories.generators.Generate.oneOf;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;

/**
 * {@link Periods} held against reference models: the UTC calendar read field by field, and for
 * LICENSE_START a walk over "anchor plus k units" with each start built from the anchor's fields.
 *
 * <p>Each property runs on a fresh seed; a failure prints the shrunk case and {@code Seed was N}.
 * Replay it with {@code mvn -o -pl functions/domain test -Dtest=PeriodsPropertiesTest -DQT_SEED=N}.
 */
class PeriodsPropertiesTest {

  record Case(Reset reset, ResetAnchor anchor, Instant licenseStart, Instant at) {}

  /** A case before its instant is drawn: the instant may depend on it. */
  private record Setting(Reset reset, ResetAnchor anchor, Instant licenseStart) {}

  private static final LocalDateTime FIRST = LocalDateTime.of(1990, 1, 1, 0, 0);
  private static final LocalDateTime LAST = LocalDateTime.of(2101, 1, 1, 0, 0);
  private static final Gen<LocalTime> TIMES_OF_DAY =
      oneOf(
          pick(
              List.of(
                  LocalTime.MIDNIGHT,
                  LocalTime.MAX,
                  LocalTime.NOON,
                  LocalTime.of(0, 0, 1),
                  LocalTime.of(23, 0))),
          longs().between(0, LocalTime.MAX.toNanoOfDay()).map(LocalTime::ofNanoOfDay));

  /** On the instant half the time, a nanosecond either side of it the other half. */
  private static final Gen<Long> NUDGES = pick(List.of(0L, 0L, -1L, 1L));

  /** Anywhere from 1990 to 2100, nanosecond resolution. */
  private static final Gen<LocalDateTime> ANYWHERE =
      longs()
          .between(0, Duration.between(FIRST, LAST).toSeconds() - 1)
          .zip(
              integers().between(0, 999_999_999),
              (seconds, nanos) -> FIRST.plusSeconds(seconds).withNano(nanos));

  /** The last days of a month and the first, where clamping happens. */
  private static final Gen<LocalDateTime> MONTH_ENDS =
      integers()
          .between(1990, 2100)
          .zip(
              integers().between(1, 12),
              pick(List.of(1, 28, 29, 30, 31)),
              TIMES_OF_DAY,
              (year, monthOfYear, day, time) -> {
                YearMonth month = YearMonth.of(year, monthOfYear);
                return month.atDay(Math.min(day, month.lengthOfMonth())).atTime(time);
              });

  /** February 29th of the leap years in range (2100 is not one). */
  private static final Gen<LocalDateTime> LEAP_DAYS =
      integers()
          .between(0, 26)
          .zip(
              TIMES_OF_DAY,
              (leapYear, time) -> LocalDate.of(1992 + 4 * leapYear, 2, 29).atTime(time));

  /** December 31st and January 1st. */
  private static final Gen<LocalDateTime> YEAR_ENDS =
      integers()
          .between(1990, 2100)
          .zip(
              booleans().all(),
              TIMES_OF_DAY,
              (year, lastDay, time) ->
                  (lastDay ? LocalDate.of(year, 12, 31) : LocalDate.of(year, 1, 1)).atTime(time));

  private static final Gen<Instant> INSTANTS =
      oneOf(ANYWHERE, MONTH_ENDS, LEAP_DAYS, YEAR_ENDS)
          .zip(NUDGES, (dateTime, nudge) -> dateTime.toInstant(ZoneOffset.UTC).plusNanos(nudge));

  private static final Gen<Reset> RESETS =
      pick(List.of(Reset.HOUR, Reset.DAY, Reset.WEEK, Reset.MONTH, Reset.YEAR));

  /**
   * Any reset and anchor; a quarter of the instants sit on (or a nanosecond off) a reference
   * boundary.
   */
  private static final Gen<Case> CASES =
      RESETS
          .zip(enumValues(ResetAnchor.class), INSTANTS, Setting::new)
          .flatMap(
              s ->
                  frequency(Pair.of(3, INSTANTS), Pair.of(1, boundaries(s)))
                      .map(at -> new Case(s.reset(), s.anchor(), s.licenseStart(), at)));

  private static final Gen<Case> ANCHORED_CASES =
      CASES.map(c -> new Case(c.reset(), ResetAnchor.LICENSE_START, c.licenseStart(), c.at()));

  /**
   * Reference period starts, nudged: for LICENSE_START the anchor plus k units (k from -40 to 40),
   * for CALENDAR the start of the period around another edge-biased instant.
   */
  private static Gen<Instant> boundaries(Setting s) {
    Gen<Instant> starts =
        s.anchor() == ResetAnchor.LICENSE_START
            ? integers().between(-40, 40).map(k -> anchoredStart(s.reset(), s.licenseStart(), k))
            : INSTANTS.map(instant -> calendarReference(s.reset(), instant).start());
    return starts.zip(NUDGES, Instant::plusNanos);
  }

  @Test
  void everyInstantLiesInItsPeriod() {
    properties()
        .forAll(CASES)
        .checkAssert(
            c -> {
              Period period = periodOf(c);
              assertThat(period.start()).isBefore(period.end());
              assertThat(period.contains(c.at())).as("%s holds %s", period, c.at()).isTrue();
            });
  }

  @Test
  void calendarPeriodsAreTheUtcHourDayMondayWeekMonthAndYear() {
    properties()
        .forAll(CASES)
        .checkAssert(
            c -> {
              Period period =
                  Periods.containing(c.reset(), ResetAnchor.CALENDAR, c.licenseStart(), c.at());
              assertThat(period).isEqualTo(calendarReference(c.reset(), c.at()));
            });
  }

  @Test
  void licenseStartPeriodsStartAtTheAnchorPlusWholeUnits() {
    properties()
        .forAll(ANCHORED_CASES)
        .checkAssert(
            c ->
                assertThat(periodOf(c))
                    .isEqualTo(anchoredReference(c.reset(), c.licenseStart(), c.at())));
  }

  @Test
  void consecutivePeriodsTileWithoutGapOrOverlap() {
    properties()
        .forAll(CASES)
        .checkAssert(
            c -> {
              Period period = periodOf(c);
              assertThat(
                      Periods.containing(c.reset(), c.anchor(), c.licenseStart(), period.start()))
                  .isEqualTo(period);
              assertThat(
                      Periods.containing(
                          c.reset(), c.anchor(), c.licenseStart(), period.end().minusNanos(1)))
                  .isEqualTo(period);
              assertThat(
                      Periods.containing(
                              c.reset(), c.anchor(), c.licenseStart(), period.start().minusNanos(1))
                          .end())
                  .isEqualTo(period.start());
              Period current = period;
              for (int i = 0; i < 3; i++) {
                Period next =
                    Periods.following(c.reset(), c.anchor(), c.licenseStart(), current)
                        .orElseThrow();
                assertThat(next.start()).isEqualTo(current.end());
                assertThat(next.end()).isAfter(next.start());
                current = next;
              }
            });
  }

  @Test
  void licenseStartPeriodsKeepTheStartsPhaseWithMonthEndsClamped() {
    properties()
        .forAll(ANCHORED_CASES)
        .checkAssert(
            c -> {
              LocalDateTime anchor = LocalDateTime.ofInstant(c.licenseStart(), ZoneOffset.UTC);
              LocalDateTime start = LocalDateTime.ofInstant(periodOf(c).start(), ZoneOffset.UTC);
              switch (c.reset()) {
                case HOUR ->
                    assertThat(start.toLocalTime().withHour(0))
                        .isEqualTo(anchor.toLocalTime().withHour(0));
                case DAY -> assertThat(start.toLocalTime()).isEqualTo(anchor.toLocalTime());
                case WEEK -> {
                  assertThat(start.getDayOfWeek()).isEqualTo(anchor.getDayOfWeek());
                  assertThat(start.toLocalTime()).isEqualTo(anchor.toLocalTime());
                }
                case MONTH, YEAR -> {
                  assertThat(start.getDayOfMonth())
                      .isEqualTo(
                          Math.min(anchor.getDayOfMonth(), YearMonth.from(start).lengthOfMonth()));
                  assertThat(start.toLocalTime()).isEqualTo(anchor.toLocalTime());
                  if (c.reset() == Reset.YEAR) {
                    assertThat(start.getMonth()).isEqualTo(anchor.getMonth());
                  }
                }
                case NONE -> throw new AssertionError("not generated");
              }
            });
  }

  @Test
  void withoutALicenseStartLicenseStartPeriodsAreCalendarPeriods() {
    properties()
        .forAll(CASES)
        .checkAssert(
            c ->
                assertThat(Periods.containing(c.reset(), ResetAnchor.LICENSE_START, null, c.at()))
                    .isEqualTo(calendarReference(c.reset(), c.at())));
  }

  @Test
  void noResetIsOneLifetimeThatNeverCloses() {
    properties()
        .forAll(CASES)
        .checkAssert(
            c -> {
              Period period = Periods.containing(Reset.NONE, c.anchor(), c.licenseStart(), c.at());
              assertThat(period).isEqualTo(Period.LIFETIME);
              assertThat(period.contains(c.at())).isTrue();
              assertThat(Periods.following(Reset.NONE, c.anchor(), c.licenseStart(), period))
                  .isEqualTo(Optional.empty());
            });
  }

  private static QuickTheory properties() {
    return qt().withExamples(1_000);
  }

  private static Period periodOf(Case c) {
    return Periods.containing(c.reset(), c.anchor(), c.licenseStart(), c.at());
  }

  /** The calendar period read from the UTC date-time's fields. */
  private static Period calendarReference(Reset reset, Instant at) {
    LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    LocalDate day = t.toLocalDate();
    LocalDateTime start =
        switch (reset) {
          case HOUR -> day.atTime(t.getHour(), 0);
          case DAY -> day.atStartOfDay();
          case WEEK ->
              day.minusDays(t.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue())
                  .atStartOfDay();
          case MONTH -> LocalDate.of(t.getYear(), t.getMonth(), 1).atStartOfDay();
          case YEAR -> LocalDate.of(t.getYear(), 1, 1).atStartOfDay();
          case NONE -> throw new AssertionError("not generated");
        };
    LocalDateTime end =
        switch (reset) {
          case HOUR -> start.plusHours(1);
          case DAY -> start.plusDays(1);
          case WEEK -> start.plusDays(7);
          case MONTH -> start.plusMonths(1);
          case YEAR -> start.plusYears(1);
          case NONE -> throw new AssertionError("not generated");
        };
    return new Period(start.toInstant(ZoneOffset.UTC), end.toInstant(ZoneOffset.UTC));
  }

  /**
   * The k-th period start after the license start (before it for k &lt; 0): the start plus k fixed
   * lengths, or for MONTH and YEAR the start's month plus k (×12) months, on the start's day
   * clamped to that month's length, at the start's time of day.
   */
  private static Instant anchoredStart(Reset reset, Instant licenseStart, long k) {
    LocalDateTime anchor = LocalDateTime.ofInstant(licenseStart, ZoneOffset.UTC);
    return switch (reset) {
      case HOUR -> licenseStart.plusSeconds(3_600 * k);
      case DAY -> licenseStart.plusSeconds(86_400 * k);
      case WEEK -> licenseStart.plusSeconds(7 * 86_400 * k);
      case MONTH, YEAR -> {
        YearMonth month = YearMonth.from(anchor).plusMonths(reset == Reset.YEAR ? 12 * k : k);
        int day = Math.min(anchor.getDayOfMonth(), month.lengthOfMonth());
        yield month.atDay(day).atTime(anchor.toLocalTime()).toInstant(ZoneOffset.UTC);
      }
      case NONE -> throw new AssertionError("not generated");
    };
  }

  /** Walks k from a rough floating-point guess until start(k) &lt;= at &lt; start(k + 1). */
  private static Period anchoredReference(Reset reset, Instant licenseStart, Instant at) {
    double unitSeconds =
        switch (reset) {
          case HOUR -> 3_600;
          case DAY -> 86_400;
          case WEEK -> 7 * 86_400;
          case MONTH -> 365.2425 * 86_400 / 12;
          case YEAR -> 365.2425 * 86_400;
          case NONE -> throw new AssertionError("not generated");
        };
    long k = (long) ((at.getEpochSecond() - licenseStart.getEpochSecond()) / unitSeconds);
    while (!anchoredStart(reset, licenseStart, k + 1).isAfter(at)) {
      k++;
    }
    while (anchoredStart(reset, licenseStart, k).isAfter(at)) {
      k--;
    }
    return new Period(
        anchoredStart(reset, licenseStart, k), anchoredStart(reset, licenseStart, k + 1));
  }
}
