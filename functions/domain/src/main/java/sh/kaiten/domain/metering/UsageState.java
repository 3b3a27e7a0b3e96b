package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;

/**
 * Where a NUMERIC entitlement stands for an instance in the current period.
 *
 * @param limit null for unlimited (then {@code percentageUsed} is null too)
 * @param percentageUsed usage over limit, in percent, rounded half-up to one decimal
 */
public record UsageState(
    String entitlement,
    BigDecimal limit,
    BigDecimal currentUsage,
    BigDecimal percentageUsed,
    UsageStatus status,
    Aggregation aggregation,
    Period period,
    Enforcement enforcement,
    String unit) {

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /**
   * The state of a counter standing at {@code usage} against {@code limit}.
   *
   * @param active false when the license grants nothing now: every further report is refused
   */
  public static UsageState of(
      String entitlement,
      Metering metering,
      BigDecimal limit,
      BigDecimal usage,
      Period period,
      boolean active) {
    return new UsageState(
        entitlement,
        limit,
        usage,
        percentage(usage, limit),
        active ? status(metering, limit, usage) : UsageStatus.REJECTED,
        metering.aggregation(),
        period,
        metering.enforcement(),
        metering.unit());
  }

  /** This state with the outcome of one report in place of the counter's standing. */
  public UsageState withStatus(UsageStatus reportStatus) {
    return new UsageState(
        entitlement,
        limit,
        currentUsage,
        percentageUsed,
        reportStatus,
        aggregation,
        period,
        enforcement,
        unit);
  }

  static BigDecimal percentage(BigDecimal usage, BigDecimal limit) {
    if (limit == null) {
      return null;
    }
    if (limit.signum() == 0) {
      return HUNDRED.setScale(1); // a zero quota is used up before the first report
    }
    return usage.multiply(HUNDRED).divide(limit, 1, RoundingMode.HALF_UP);
  }

  static UsageStatus status(Metering metering, BigDecimal limit, BigDecimal usage) {
    if (limit == null || usage.compareTo(limit) < 0) {
      return UsageStatus.ACCEPTED;
    }
    if (metering.enforcement() == Enforcement.HARD) {
      return UsageStatus.REJECTED;
    }
    BigDecimal cap = Limits.overageCap(metering, limit);
    return cap != null && usage.compareTo(cap) >= 0 ? UsageStatus.REJECTED : UsageStatus.EXCEEDED;
  }
}
