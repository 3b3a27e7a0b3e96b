package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageState;

/**
 * One NUMERIC entitlement as metered for an instance at an instant: which counter, which period,
 * against which limit.
 *
 * @param limit null for unlimited, and for an entitlement the license does not grant
 * @param active whether the license grants the entitlement at all right now
 */
record Meter(Evaluation evaluation, Metering metering, BigDecimal limit, Period period, CounterKey key, boolean active) {

  static Meter locate(InstanceContext context, Evaluation evaluation, Instant at) {
    Metering metering = evaluation.entitlement().metering();
    Period period = Periods.containing(metering.reset(), metering.resetAnchor(), context.license().startsAt(), at);
    CounterKey key = key(context.tenantId(), context.instance().id(), context.license().id(), evaluation.entitlement(),
        period);
    BigDecimal limit = evaluation.value() instanceof EntitlementValue.Quota quota ? quota.limit() : null;
    return new Meter(evaluation, metering, limit, period, key, evaluation.enabled());
  }

  /**
   * The counter a NUMERIC entitlement will use, known before the license is read, so it can be read
   * together with it; empty when its period hangs on the license's start date.
   */
  static Optional<CounterKey> expected(
      String tenantId, String instanceId, String licenseId, Entitlement entitlement, Instant at) {
    Metering metering = entitlement.metering();
    if (metering.resetAnchor() == ResetAnchor.LICENSE_START && metering.reset() != Reset.NONE) {
      return Optional.empty();
    }
    Period period = Periods.containing(metering.reset(), metering.resetAnchor(), null, at);
    return Optional.of(key(tenantId, instanceId, licenseId, entitlement, period));
  }

  private static CounterKey key(
      String tenantId, String instanceId, String licenseId, Entitlement entitlement, Period period) {
    String holder = entitlement.metering().scope() == MeterScope.LICENSE
        ? CounterKey.licenseHolder(licenseId)
        : CounterKey.instanceHolder(instanceId);
    return new CounterKey(tenantId, entitlement.slug(), holder, period.key());
  }

  /** What the counter notes for its period's close with this report. */
  PeriodClose close(Duration lateWindow) {
    return PeriodClose.of(period, lateWindow, limit);
  }

  Aggregation aggregation() {
    return metering.aggregation();
  }

  /** Where the entitlement stands with its counter at {@code tally}. */
  UsageState state(Tally tally) {
    return UsageState.of(
        evaluation.entitlement().slug(), metering, limit, tally.value(metering.aggregation()), period, active);
  }
}
