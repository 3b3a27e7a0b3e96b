package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * Which Stripe meter an entitlement's usage goes to, and how.
 *
 * <p>Stripe takes whole numbers only, so every value is multiplied by {@code scale} first (a scale
 * of 1000 bills GB as MB). SUM and COUNT travel as increments, one meter event per accepted report
 * (a report's value, or 1); Stripe sums them. MAX, MIN, AVERAGE and LATEST cannot be rebuilt from
 * increments by any Stripe formula, so Kaiten sends its own period value to a {@code last} meter as
 * reports move it, and once more when the period closes: the latest event of a billing period is
 * Kaiten's value for it ({@link MeterEvents}).
 *
 * @param entitlement the NUMERIC entitlement's slug
 * @param eventName the Stripe meter's {@code event_name}
 * @param scale what a Kaiten value is multiplied by to give Stripe's whole number; positive
 * @param aggregation the entitlement's aggregation, which decides how values are sent
 */
public record MeterMapping(
    String entitlement, String eventName, BigDecimal scale, Aggregation aggregation) {
  /** Stripe's limit on {@code event_name} and {@code identifier}. */
  public static final int MAX_NAME_LENGTH = 100;

  public MeterMapping {
    Objects.requireNonNull(entitlement, "entitlement");
    Objects.requireNonNull(aggregation, "aggregation");
    if (eventName == null || eventName.isBlank() || eventName.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException(
          "event_name", "a meter's event_name is 1 to " + MAX_NAME_LENGTH + " characters");
    }
    if (scale == null || scale.signum() <= 0) {
      throw new InvalidInputException("scale", "a meter's scale is a positive number");
    }
    scale = scale.stripTrailingZeros(); // 1000 and 1000.0 are one scale, however stored
  }

  /** The formula the Stripe meter must have for what this mapping sends. */
  public MeterFormula formula() {
    return switch (aggregation) {
      case SUM -> MeterFormula.SUM;
      case COUNT -> MeterFormula.COUNT;
      case MAX, MIN, AVERAGE, LATEST -> MeterFormula.LAST;
    };
  }

  /**
   * The Stripe formulas that bill what this mapping sends: {@code sum} for SUM; {@code count} or
   * {@code sum} for COUNT (each report goes as an event of value 1, so summing the events counts
   * them); {@code last} for MAX, MIN, AVERAGE and LATEST.
   */
  public List<MeterFormula> fittingFormulas() {
    return aggregation == Aggregation.COUNT
        ? List.of(MeterFormula.COUNT, MeterFormula.SUM)
        : List.of(formula());
  }

  /** Whether a Stripe meter of {@code formula} bills what this mapping sends. */
  public boolean fits(MeterFormula formula) {
    return fittingFormulas().contains(formula);
  }

  /** Whether each accepted report is sent on its own (SUM, COUNT), rather than once per window. */
  public boolean sendsIncrements() {
    return formula() != MeterFormula.LAST;
  }

  /**
   * What one accepted report adds on Stripe's side: its scaled value under SUM, 1 under COUNT.
   * Exact or refused: a sum that rounded each report would drift from Kaiten's total by up to half
   * a unit per report, so a value the scale does not make whole is an {@link InvalidInputException}
   * (the mapping's scale is wrong for the values reported).
   */
  public long increment(BigDecimal value) {
    if (!sendsIncrements()) {
      throw new IllegalStateException(aggregation + " usage is sent as values, not increments");
    }
    if (aggregation == Aggregation.COUNT) {
      return 1;
    }
    BigDecimal scaled = value.multiply(scale);
    try {
      return scaled.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException notWhole) {
      throw new InvalidInputException(
          "value",
          value.toPlainString()
              + " × "
              + scale.toPlainString()
              + " = "
              + scaled.toPlainString()
              + " is not a whole number Stripe can take (or passes 2^63): the meter's scale does"
              + " not fit the values reported");
    }
  }

  /**
   * The value a {@code last} meter is sent under MAX, MIN, AVERAGE or LATEST (a counter's period
   * value, or a LATEST report's own): scaled and rounded half-even to a whole number (one value
   * replaces the last, so rounding never accumulates); refused only past 2^63.
   */
  public long lastValue(BigDecimal periodValue) {
    if (sendsIncrements()) {
      throw new IllegalStateException(aggregation + " usage is sent as increments, not as a value");
    }
    BigDecimal scaled = periodValue.multiply(scale).setScale(0, RoundingMode.HALF_EVEN);
    try {
      return scaled.longValueExact();
    } catch (ArithmeticException tooLarge) {
      throw new InvalidInputException(
          "value",
          periodValue.toPlainString()
              + " × "
              + scale.toPlainString()
              + " passes the largest value Stripe can take");
    }
  }
}
