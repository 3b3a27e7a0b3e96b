package sh.kaiten.domain.metering;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;

/**
 * Which metering period an instant falls in. Pure arithmetic, all in UTC (so no daylight-saving
 * shifts): calendar weeks start on Monday 00:00Z, months on the 1st, years on January 1st.
 *
 * <p>With {@link ResetAnchor#LICENSE_START} the periods are phased from the license's start
 * instant: HOUR, DAY and WEEK are fixed lengths from it; MONTH and YEAR start on the start's day of
 * month (and month, for YEAR) at its time of day, clamped to the month's last day. Period k always
 * starts at start + k units computed from the start itself, so a Jan 31 anchor gives Feb 28 (29)
 * and then Mar 31 again. The same phase extends backwards: an instant before the license start gets
 * the period k &lt; 0 holding it (with a Mar 31 start, [Feb 28, Mar 31)), so every instant has
 * exactly one period and the periods tile the time line.
 */
public final class Periods {

  private Periods() {}

  /**
   * The period of {@code reset} holding {@code at}.
   *
   * @param licenseStart the phase for {@link ResetAnchor#LICENSE_START}; when null, calendar
   *     periods are used
   * @return the half-open period with start &lt;= at &lt; end, or {@link Period#LIFETIME} for
   *     {@link Reset#NONE}
   */
  public static Period containing(
      Reset reset, ResetAnchor anchor, Instant licenseStart, Instant at) {
    if (reset == Reset.NONE) {
      return Period.LIFETIME;
    }
    if (anchor == ResetAnchor.LICENSE_START && licenseStart != null) {
      return anchored(reset, licenseStart, at);
    }
    return calendar(reset, at);
  }

  /**
   * The period right after {@code period}, which must be a period of the same settings (as returned
   * by {@link #containing}): the one a scheduler opens when it closes {@code period}.
   *
   * @return empty for the lifetime period, which never closes
   */
  public static Optional<Period> following(
      Reset reset, ResetAnchor anchor, Instant licenseStart, Period period) {
    if (reset == Reset.NONE || period.end() == null) {
      return Optional.empty();
    }
    return Optional.of(containing(reset, anchor, licenseStart, period.end()));
  }

  private static Period calendar(Reset reset, Instant at) {
    ZonedDateTime t = at.atZone(ZoneOffset.UTC);
    ZonedDateTime start =
        switch (reset) {
          case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
          case DAY -> t.truncatedTo(ChronoUnit.DAYS);
          case WEEK ->
              t.truncatedTo(ChronoUnit.DAYS)
                  .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
          case YEAR -> t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
          case NONE ->
              throw new IllegalArgumentException("a lifetime counter has no calendar period");
        };
    ZonedDateTime end =
        switch (reset) {
          case HOUR -> start.plusHours(1);
          case DAY -> start.plusDays(1);
          case WEEK -> start.plusWeeks(1);
          case MONTH -> start.plusMonths(1);
          case YEAR -> start.plusYears(1);
          case NONE ->
              throw new IllegalArgumentException("a lifetime counter has no calendar period");
        };
    return new Period(start.toInstant(), end.toInstant());
  }

  private static Period anchored(Reset reset, Instant anchor, Instant at) {
    return switch (reset) {
      case HOUR -> fixed(anchor, Duration.ofHours(1), at);
      case DAY -> fixed(anchor, Duration.ofDays(1), at);
      case WEEK -> fixed(anchor, Duration.ofDays(7), at);
      case MONTH -> monthly(anchor, 1, at);
      case YEAR -> monthly(anchor, 12, at);
      case NONE -> Period.LIFETIME;
    };
  }

  /**
   * Periods of a fixed {@code length} from {@code anchor}: the k-th starts at anchor + k × length.
   */
  private static Period fixed(Instant anchor, Duration length, Instant at) {
    // Duration arithmetic rather than nanoseconds in a long, which overflow past 292 years apart.
    long index = Duration.between(anchor, at).dividedBy(length);
    if (anchor.plus(length.multipliedBy(index)).isAfter(at)) {
      index--; // dividedBy truncates towards zero; before the anchor the period starts earlier
    }
    Instant start = anchor.plus(length.multipliedBy(index));
    return new Period(start, start.plus(length));
  }

  /**
   * Periods of {@code months} months phased from {@code anchor}. Each start is computed from the
   * anchor itself, never from the previous start, so a Jan 31 anchor gives Feb 28/29 and then Mar
   * 31.
   */
  private static Period monthly(Instant anchor, int months, Instant at) {
    ZonedDateTime origin = anchor.atZone(ZoneOffset.UTC);
    ZonedDateTime t = at.atZone(ZoneOffset.UTC);
    long index = Math.floorDiv(ChronoUnit.MONTHS.between(origin, t), months);
    while (!origin.plusMonths((index + 1) * months).isAfter(t)) {
      index++;
    }
    while (origin.plusMonths(index * months).isAfter(t)) {
      index--;
    }
    return new Period(
        origin.plusMonths(index * months).toInstant(),
        origin.plusMonths((index + 1) * months).toInstant());
  }
}
