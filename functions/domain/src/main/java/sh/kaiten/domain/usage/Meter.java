package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Limits;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;

/**
 * One NUMERIC entitlement as metered for an instance at an instant: which counter, which period,
 * against which limit.
 *
 * @param limit null for unlimited, and for an entitlement the license does not grant
 * @param active whether the license grants the entitlement at all right now
 */
record Meter(
    Evaluation evaluation,
    Metering metering,
    BigDecimal limit,
    Period period,
    CounterKey key,
    boolean active) {

  static Meter locate(InstanceContext context, Evaluation evaluation, Instant at) {
    Metering metering = evaluation.entitlement().metering();
    Period period =
        Periods.containing(
            metering.reset(), metering.resetAnchor(), context.license().startsAt(), at);
    CounterKey key =
        key(
            context.tenantId(),
            context.instance().id(),
            context.license().id(),
            evaluation.entitlement(),
            period);
    BigDecimal limit =
        evaluation.value() instanceof EntitlementValue.Quota quota ? quota.limit() : null;
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
      String tenantId,
      String instanceId,
      String licenseId,
      Entitlement entitlement,
      Period period) {
    String holder =
        entitlement.metering().scope() == MeterScope.LICENSE
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

  /**
   * The highest usage the counter may reach: the limit for HARD, the overage cap for SOFT, null for
   * none.
   */
  BigDecimal ceiling() {
    return Limits.ceiling(metering, limit);
  }

  /**
   * The ceiling the store holds in the write itself (SUM and COUNT); null when there is none to
   * hold.
   */
  BigDecimal storeCeiling() {
    return Limits.storeCeiling(aggregation(), ceiling());
  }

  /** The answer to a report that was counted and left the counter at {@code after}. */
  ReportResult counted(Tally after) {
    BigDecimal usage = after.value(aggregation());
    boolean atOrOverSoftLimit =
        metering.enforcement() == Enforcement.SOFT && limit != null && usage.compareTo(limit) >= 0;
    return new ReportResult(
        state(after).withStatus(atOrOverSoftLimit ? UsageStatus.EXCEEDED : UsageStatus.ACCEPTED),
        null);
  }

  /** Where the entitlement stands with its counter at {@code tally}. */
  UsageState state(Tally tally) {
    return UsageState.of(
        evaluation.entitlement().slug(),
        metering,
        limit,
        tally.value(metering.aggregation()),
        period,
        active);
  }
}
