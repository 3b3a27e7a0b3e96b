package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;

/** The highest total a counter may reach, given its limit and enforcement. */
public final class Limits {

  private Limits() {}

  /** For SOFT enforcement with {@code overage_percent}: limit × (1 + overage/100); null when uncapped. */
  public static BigDecimal overageCap(Metering metering, BigDecimal limit) {
    if (limit == null || metering.enforcement() != Enforcement.SOFT || metering.overagePercent() == null) {
      return null;
    }
    return limit.add(limit.multiply(metering.overagePercent()).movePointLeft(2));
  }

  /** The ceiling a counter must stay under: the limit for HARD, the overage cap for SOFT, null for none. */
  public static BigDecimal ceiling(Metering metering, BigDecimal limit) {
    if (limit == null) {
      return null;
    }
    return metering.enforcement() == Enforcement.HARD ? limit : overageCap(metering, limit);
  }
}
