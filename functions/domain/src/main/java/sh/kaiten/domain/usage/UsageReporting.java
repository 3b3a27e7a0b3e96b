package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Limits;
import sh.kaiten.domain.metering.ThresholdCrossing;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

/** Use case: an instance reports usage of a NUMERIC entitlement. */
public final class UsageReporting {
  /** How far ahead of the server's clock a report's timestamp may be (clock skew). */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
  /** The most significant digits a value may carry; DynamoDB numbers hold 38. */
  static final int MAX_DIGITS = 30;
  /** The largest single report; keeps every counter well inside DynamoDB's number range. */
  static final BigDecimal MAX_VALUE = new BigDecimal("1e15");

  private final CatalogStore catalog;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final ThresholdSignals signals;
  private final Clock clock;
  private final Duration lateWindow;

  /** @param lateWindow how old a report's timestamp may be and still land in its own period */
  public UsageReporting(
      CatalogStore catalog, UsageCounters counters, ThresholdSignals signals, Clock clock, Duration lateWindow) {
    this.catalog = catalog;
    this.instances = new InstanceLookup(catalog);
    this.counters = counters;
    this.signals = signals;
    this.clock = clock;
    this.lateWindow = lateWindow;
  }

  public ReportResult report(ApiToken caller, String instanceId, UsageReport report) {
    Instant now = clock.instant();
    Instant at = validate(report, now);
    InstanceContext context = instances.load(caller, instanceId);
    Entitlement entitlement = catalog
        .findEntitlement(context.tenantId(), report.entitlementSlug())
        .orElseThrow(() -> new UnknownReferenceException(
            "entitlement_slug", "entitlement '" + report.entitlementSlug() + "' does not exist"));
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          "entitlement_slug",
          "entitlement '" + entitlement.slug() + "' is " + entitlement.type() + "; only NUMERIC entitlements take usage");
    }
    Evaluation evaluation = context.evaluate(entitlement, now);
    Meter meter = Meter.locate(context, evaluation, at);
    if (!meter.active()) {
      return rejected(meter, counters.total(meter.key()), evaluation.reason());
    }
    BigDecimal ceiling = Limits.ceiling(meter.metering(), meter.limit());
    if (ceiling != null && report.value().compareTo(ceiling) > 0) {
      return rejected(meter, counters.total(meter.key()), Reason.LIMIT_REACHED);
    }
    CounterUpdate update = counters.add(meter.key(), report.value(), ceiling);
    if (update instanceof CounterUpdate.Refused refused) {
      return rejected(meter, refused.total(), Reason.LIMIT_REACHED);
    }
    BigDecimal total = ((CounterUpdate.Counted) update).total();
    signalCrossings(meter, total.subtract(report.value()), total);
    return new ReportResult(meter.state(total).withStatus(countedStatus(meter, total)), null);
  }

  private Instant validate(UsageReport report, Instant now) {
    if (report.entitlementSlug() == null || report.entitlementSlug().isBlank()) {
      throw new InvalidInputException("entitlement_slug", "entitlement_slug is required");
    }
    BigDecimal value = report.value();
    if (value == null) {
      throw new InvalidInputException("value", "value is required");
    }
    if (value.signum() < 0) {
      throw new InvalidInputException("value", "value must not be negative");
    }
    if (value.compareTo(MAX_VALUE) > 0) {
      throw new InvalidInputException("value", "value must be at most " + MAX_VALUE.toPlainString());
    }
    if (value.precision() > MAX_DIGITS) {
      throw new InvalidInputException("value", "value must have at most " + MAX_DIGITS + " significant digits");
    }
    Instant at = report.timestamp() == null ? now : report.timestamp();
    if (at.isAfter(now.plus(FUTURE_TOLERANCE))) {
      throw new InvalidInputException("timestamp", "timestamp is more than " + FUTURE_TOLERANCE.toMinutes()
          + " minutes in the future");
    }
    if (at.isBefore(now.minus(lateWindow))) {
      throw new InvalidInputException("timestamp", "timestamp is older than the late-report window of "
          + lateWindow.toHours() + " hours");
    }
    return at;
  }

  private static UsageStatus countedStatus(Meter meter, BigDecimal total) {
    boolean atOrOverSoftLimit = meter.metering().enforcement() == Enforcement.SOFT
        && meter.limit() != null
        && total.compareTo(meter.limit()) >= 0;
    return atOrOverSoftLimit ? UsageStatus.EXCEEDED : UsageStatus.ACCEPTED;
  }

  private void signalCrossings(Meter meter, BigDecimal previous, BigDecimal total) {
    if (meter.limit() == null) {
      return;
    }
    List<Integer> crossed =
        ThresholdCrossing.crossedThresholds(meter.metering().thresholds(), meter.limit(), previous, total);
    if (!crossed.isEmpty()) {
      signals.publish(new ThresholdSignal(meter.key(), meter.limit(), previous, total, crossed));
    }
  }

  private static ReportResult rejected(Meter meter, BigDecimal total, Reason reason) {
    return new ReportResult(meter.state(total).withStatus(UsageStatus.REJECTED), reason);
  }
}
