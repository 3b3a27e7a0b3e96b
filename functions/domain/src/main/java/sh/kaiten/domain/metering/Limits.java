package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;

/** The highest total a counter may reach, given its limit and enforcement. */
public final class Limits {

  private Limits() {}

  /**
   * For SOFT enforcement with {@code overage_percent}: limit × (1 + overage/100); null when
   * uncapped.
   */
  public static BigDecimal overageCap(Metering metering, BigDecimal limit) {
    if (limit == null
        || metering.enforcement() != Enforcement.SOFT
        || metering.overagePercent() == null) {
      return null;
    }
    return limit.add(limit.multiply(metering.overagePercent()).movePointLeft(2));
  }

  /**
   * Whether a report is refused without touching its counter. Under SUM and COUNT the usage reaches
   * a ceiling by accumulating, which the store decides atomically ({@link #storeCeiling}); a single
   * value above it can be refused at once. Under MAX, MIN, LATEST and AVERAGE the usage can only
   * pass a ceiling through a value above it, so every such value is refused: that keeps the usage
   * at or under the ceiling without reading the counter first.
   */
  public static boolean refusedOutright(
      Aggregation aggregation, BigDecimal value, BigDecimal ceiling) {
    if (ceiling == null) {
      return false;
    }
    return aggregation == Aggregation.COUNT
        ? ceiling.compareTo(BigDecimal.ONE) < 0
        : value.compareTo(ceiling) > 0;
  }

  /**
   * The ceiling the store must hold under concurrent reports: for SUM and COUNT only; null
   * otherwise.
   */
  public static BigDecimal storeCeiling(Aggregation aggregation, BigDecimal ceiling) {
    return aggregation == Aggregation.SUM || aggregation == Aggregation.COUNT ? ceiling : null;
  }

  /**
   * The ceiling a counter must stay under: the limit for HARD, the overage cap for SOFT, null for
   * none.
   */
  public static BigDecimal ceiling(Metering metering, BigDecimal limit) {
    if (limit == null) {
      return null;
    }
    return metering.enforcement() == Enforcement.HARD ? limit : overageCap(metering, limit);
  }
}
