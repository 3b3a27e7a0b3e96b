package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.util.List;

/** When a usage change crosses an alert threshold. */
public final class ThresholdCrossing {

  private ThresholdCrossing() {}

  /**
   * True when moving from {@code previous} to {@code updated} crosses {@code boundary}: previous
   * &lt; boundary ≤ updated.
   */
  public static boolean crossed(BigDecimal previous, BigDecimal updated, BigDecimal boundary) {
    return previous.compareTo(boundary) < 0 && boundary.compareTo(updated) <= 0;
  }

  /** The boundary, in units of usage, of {@code percent} of {@code limit}. */
  public static BigDecimal boundary(BigDecimal limit, int percent) {
    return limit.multiply(BigDecimal.valueOf(percent)).movePointLeft(2);
  }

  /**
   * The threshold percents of {@code limit} crossed by the move from previous to updated,
   * ascending.
   */
  public static List<Integer> crossedThresholds(
      List<Integer> thresholds, BigDecimal limit, BigDecimal previous, BigDecimal updated) {
    return thresholds.stream()
        .filter(p -> crossed(previous, updated, boundary(limit, p)))
        .sorted()
        .toList();
  }
}
