package sh.kaiten.domain.catalog;

import java.math.BigDecimal;
import java.util.List;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The settings of a NUMERIC entitlement.
 *
 * @param overagePercent for SOFT enforcement, how far past the limit reports are still counted;
 *     null means no cap
 * @param shards how many items a counter is spread over (1 to {@value #MAX_SHARDS}): a hot counter
 *     takes about 1,000 writes a second per item in DynamoDB. More than one only for SOFT
 *     enforcement without an overage cap, since no single write could then hold a ceiling.
 */
public record Metering(
    Aggregation aggregation,
    Reset reset,
    ResetAnchor resetAnchor,
    MeterScope scope,
    Enforcement enforcement,
    BigDecimal overagePercent,
    List<Integer> thresholds,
    String unit,
    int shards) {

  public static final List<Integer> DEFAULT_THRESHOLDS = List.of(80, 100);
  public static final int MAX_SHARDS = 32;

  /** Settings of a counter kept on one item. */
  public Metering(
      Aggregation aggregation,
      Reset reset,
      ResetAnchor resetAnchor,
      MeterScope scope,
      Enforcement enforcement,
      BigDecimal overagePercent,
      List<Integer> thresholds,
      String unit) {
    this(aggregation, reset, resetAnchor, scope, enforcement, overagePercent, thresholds, unit, 1);
  }

  public Metering {
    aggregation = aggregation == null ? Aggregation.SUM : aggregation;
    reset = reset == null ? Reset.MONTH : reset;
    resetAnchor = resetAnchor == null ? ResetAnchor.CALENDAR : resetAnchor;
    scope = scope == null ? MeterScope.INSTANCE : scope;
    enforcement = enforcement == null ? Enforcement.HARD : enforcement;
    thresholds =
        thresholds == null
            ? DEFAULT_THRESHOLDS
            : List.copyOf(thresholds.stream().sorted().distinct().toList());
    if (overagePercent != null && overagePercent.signum() < 0) {
      throw new InvalidInputException("overage_percent", "overage_percent must be zero or more");
    }
    if (overagePercent != null && enforcement == Enforcement.HARD) {
      throw new InvalidInputException(
          "overage_percent", "overage_percent applies to SOFT enforcement only");
    }
    if (shards < 1 || shards > MAX_SHARDS) {
      throw new InvalidInputException("shards", "shards must be between 1 and " + MAX_SHARDS);
    }
    if (shards > 1 && (enforcement != Enforcement.SOFT || overagePercent != null)) {
      throw new InvalidInputException(
          "shards",
          "a counter spread over shards cannot hold a ceiling: shards above 1 "
              + "need SOFT enforcement without overage_percent");
    }
    for (Integer threshold : thresholds) {
      if (threshold == null || threshold < 1 || threshold > 1000) {
        throw new InvalidInputException("thresholds", "thresholds are percents between 1 and 1000");
      }
    }
  }

  /** The default settings with {@code aggregation}. */
  public static Metering of(Aggregation aggregation) {
    return new Metering(aggregation, null, null, null, null, null, null, null, 1);
  }

  /** The settings a NUMERIC entitlement gets when none are given. */
  public static Metering defaults() {
    return new Metering(null, null, null, null, null, null, null, null, 1);
  }
}
