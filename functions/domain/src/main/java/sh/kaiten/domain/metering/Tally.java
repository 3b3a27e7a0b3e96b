package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * What a counter keeps of the reports of one period, enough to answer every {@link Aggregation}.
 * Immutable; {@link #plus} folds in one report (or the many a lease's settlement stands for) and
 * {@link #merge} joins two tallies (shards of one counter, summed on read), and both give the same
 * result whatever the order of the reports.
 *
 * <p>Ties are broken by a total order so that the state never depends on arrival order: MAX and MIN
 * compare values numerically, then by scale ({@code 1.00} ranks above {@code 1.0}); LATEST keeps
 * the value with the newest timestamp, and among reports with the same timestamp the larger value
 * (in the same order as MAX).
 *
 * @param sum the total of the values (exact: BigDecimal addition, no rounding)
 * @param count how many reports were folded in
 * @param max the largest value, null when no report was folded in
 * @param min the smallest value, null when no report was folded in
 * @param latest the value of the newest report, null when no report was folded in
 * @param latestAt the timestamp of {@code latest}, null when no report was folded in
 */
public record Tally(
    BigDecimal sum,
    long count,
    BigDecimal max,
    BigDecimal min,
    BigDecimal latest,
    Instant latestAt) {

  /**
   * A period's AVERAGE is rounded to 16 significant digits (IEEE 754 decimal64, half-even); exact
   * when it fits.
   */
  public static final MathContext AVERAGE_PRECISION = MathContext.DECIMAL64;

  /** No report yet. */
  public static final Tally EMPTY = new Tally(BigDecimal.ZERO, 0, null, null, null, null);

  /**
   * Numeric order, then scale: a total order on BigDecimal, so extremes and ties are order-free.
   */
  private static final Comparator<BigDecimal> VALUE_ORDER =
      Comparator.<BigDecimal>naturalOrder().thenComparingInt(BigDecimal::scale);

  public Tally {
    Objects.requireNonNull(sum, "sum");
    if (count < 0) {
      throw new IllegalArgumentException("count must be zero or more");
    }
    boolean empty = count == 0;
    if (empty != (max == null)
        || empty != (min == null)
        || empty != (latest == null)
        || empty != (latestAt == null)) {
      throw new IllegalArgumentException(
          "max, min, latest and latestAt are null exactly when count is zero");
    }
  }

  /** This tally with one more report of {@code value} made at {@code at}. */
  public Tally plus(BigDecimal value, Instant at) {
    return plus(value, 1, at);
  }

  /**
   * This tally with {@code count} more reports made at {@code at} whose values sum to {@code
   * value}: a lease's settlement, which stands for the reports its holder decided in-process. Sum
   * and count, and so SUM, COUNT and AVERAGE, are exact. The single values are not known, so max,
   * min and latest take their mean ({@code value / count}, rounded to {@link #AVERAGE_PRECISION}):
   * the mean lies between the smallest and the largest of them, so max never rises above, and min
   * never falls below, what one of the reports really was. With {@code count} 1 it is exactly
   * {@link #plus(BigDecimal, Instant)}.
   */
  public Tally plus(BigDecimal value, long count, Instant at) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(at, "at");
    if (count < 1) {
      throw new IllegalArgumentException("count must be 1 or more");
    }
    BigDecimal each =
        count == 1 ? value : value.divide(BigDecimal.valueOf(count), AVERAGE_PRECISION);
    return merge(new Tally(value, count, each, each, each, at));
  }

  /** The tally of the reports of this one and of {@code other} together. */
  public Tally merge(Tally other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    boolean otherIsLater =
        other.latestAt.compareTo(latestAt) > 0
            || other.latestAt.equals(latestAt) && VALUE_ORDER.compare(other.latest, latest) > 0;
    return new Tally(
        sum.add(other.sum),
        count + other.count,
        VALUE_ORDER.compare(other.max, max) > 0 ? other.max : max,
        VALUE_ORDER.compare(other.min, min) < 0 ? other.min : min,
        otherIsLater ? other.latest : latest,
        otherIsLater ? other.latestAt : latestAt);
  }

  /**
   * The period's usage under {@code aggregation}. A period without reports has a usage of zero
   * under every aggregation, as a fresh SUM counter does, so a usage view and a limit check never
   * see null.
   */
  public BigDecimal value(Aggregation aggregation) {
    if (count == 0) {
      return BigDecimal.ZERO;
    }
    return switch (aggregation) {
      case SUM -> sum;
      case COUNT -> BigDecimal.valueOf(count);
      case MAX -> max;
      case MIN -> min;
      case AVERAGE -> sum.divide(BigDecimal.valueOf(count), AVERAGE_PRECISION);
      case LATEST -> latest;
    };
  }

  /**
   * The usage this tally would show after one more report: what an enforcement compares with a
   * limit.
   */
  public BigDecimal valueAfter(Aggregation aggregation, BigDecimal value, Instant at) {
    return plus(value, at).value(aggregation);
  }
}
