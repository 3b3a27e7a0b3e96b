package sh.kaiten.domain.billing;

import java.time.Duration;
import sh.kaiten.domain.outbox.AcceptedReport;

/** The meter event that carries a report or a window to Stripe. */
public final class MeterEvents {
  private MeterEvents() {}

  /** A SUM or COUNT report's increment, stamped with the report's time. */
  public static MeterEvent ofReport(
      MeterMapping mapping, AcceptedReport report, String stripeCustomerId) {
    if (!mapping.entitlement().equals(report.entitlement())) {
      throw new IllegalArgumentException(
          "the mapping of " + mapping.entitlement() + " cannot send " + report.entitlement());
    }
    return new MeterEvent(
        MeterIdentifiers.ofReport(report),
        mapping.eventName(),
        stripeCustomerId,
        mapping.increment(report.value()),
        report.reportedAt());
  }

  /** A window's period value, stamped one second before the window ends. */
  public static MeterEvent ofWindow(
      MeterMapping mapping, WindowValue window, String stripeCustomerId) {
    if (!mapping.entitlement().equals(window.entitlement())) {
      throw new IllegalArgumentException(
          "the mapping of " + mapping.entitlement() + " cannot send " + window.entitlement());
    }
    return new MeterEvent(
        MeterIdentifiers.ofWindow(window),
        mapping.eventName(),
        stripeCustomerId,
        mapping.windowValue(window.periodValue()),
        window.windowEnd().minus(Duration.ofSeconds(1)));
  }
}
