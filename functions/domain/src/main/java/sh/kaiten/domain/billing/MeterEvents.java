package sh.kaiten.domain.billing;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.outbox.AcceptedReport;

/**
 * The meter event that carries a report or a window to Stripe.
 *
 * <p>A {@code last} meter bills the value of its billing period's latest event by timestamp, which
 * Stripe keeps to the second. So the events of a MAX, MIN, AVERAGE or LATEST counter are stamped so
 * that the latest stands for Kaiten's latest value: a report's value live at the latest {@link
 * #LIVE_MARGIN} before its period ends, and the close's final value {@link #CLOSE_MARGIN} before
 * it, a whole second after any live one.
 */
public final class MeterEvents {
  /** How long before its period's end the close's value is stamped. */
  public static final Duration CLOSE_MARGIN = Duration.ofSeconds(1);

  /**
   * How long before its period's end a live value is stamped at the latest: a second more than the
   * close, so the close is the period's last event even to the second.
   */
  public static final Duration LIVE_MARGIN = CLOSE_MARGIN.plusSeconds(1);

  private MeterEvents() {}

  /** A SUM or COUNT report's increment, stamped with the report's time. */
  public static MeterEvent ofReport(
      MeterMapping mapping, AcceptedReport report, String stripeCustomerId) {
    requireMapped(mapping, report.entitlement());
    return new MeterEvent(
        MeterIdentifiers.ofReport(report),
        mapping.eventName(),
        stripeCustomerId,
        mapping.increment(report.value()),
        report.reportedAt());
  }

  /**
   * A MAX, MIN, AVERAGE or LATEST report's value to its {@code last} meter, under the report's
   * identifier.
   *
   * <ul>
   *   <li>LATEST: the report's own value at the report's own time. Stripe's latest event is then
   *       the latest-timestamped report, which is what a LATEST counter holds, whatever order the
   *       reports were written or sent in.
   *   <li>MAX, MIN, AVERAGE: the counter's period value right after the report ({@link
   *       AcceptedReport.Standing}), at the time the write counted it, within the report's period.
   *       The value follows the order of writes, not of report timestamps: a late report that
   *       raises a MAX carries the new maximum, and stamped by its own time it would lose to an
   *       earlier-written report stamped later.
   * </ul>
   *
   * @param countedAt when the write counted the report; null when unknown (its own time is used)
   */
  public static MeterEvent ofValue(
      MeterMapping mapping, AcceptedReport report, Instant countedAt, String stripeCustomerId) {
    requireMapped(mapping, report.entitlement());
    AcceptedReport.Standing standing = report.standing();
    if (standing == null) {
      throw new IllegalArgumentException("report " + report.reportId() + " carries no standing");
    }
    return new MeterEvent(
        MeterIdentifiers.ofReport(report),
        mapping.eventName(),
        stripeCustomerId,
        mapping.lastValue(
            mapping.aggregation() == Aggregation.LATEST ? report.value() : standing.periodValue()),
        valueTime(mapping.aggregation(), report, countedAt));
  }

  /** When {@link #ofValue} stamps a report's value. */
  static Instant valueTime(Aggregation aggregation, AcceptedReport report, Instant countedAt) {
    AcceptedReport.Standing standing = report.standing();
    Instant at =
        aggregation == Aggregation.LATEST || countedAt == null ? report.reportedAt() : countedAt;
    // A report timed ahead of the clock that counted it may fall in a period not yet begun.
    if (standing.periodStart() != null && at.isBefore(standing.periodStart())) {
      at = standing.periodStart();
    }
    if (standing.periodEnd() != null) {
      Instant latest = standing.periodEnd().minus(LIVE_MARGIN);
      if (at.isAfter(latest)) {
        at = latest; // a late report, or one of the period's last two seconds
      }
    }
    return at;
  }

  /** A window's period value, stamped {@link #CLOSE_MARGIN} before the window ends. */
  public static MeterEvent ofWindow(
      MeterMapping mapping, WindowValue window, String stripeCustomerId) {
    requireMapped(mapping, window.entitlement());
    return new MeterEvent(
        MeterIdentifiers.ofWindow(window),
        mapping.eventName(),
        stripeCustomerId,
        mapping.lastValue(window.periodValue()),
        window.windowEnd().minus(CLOSE_MARGIN));
  }

  private static void requireMapped(MeterMapping mapping, String entitlement) {
    if (!mapping.entitlement().equals(entitlement)) {
      throw new IllegalArgumentException(
          "the mapping of " + mapping.entitlement() + " cannot send " + entitlement);
    }
  }
}
