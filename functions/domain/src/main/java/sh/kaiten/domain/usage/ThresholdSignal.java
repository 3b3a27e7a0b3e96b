package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.util.List;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.CounterKey;

/**
 * A report may have done something the vendor wants to hear about once per counter and period:
 * moved the counter across alert thresholds, past a SOFT limit, or been refused. The threshold
 * evaluator decides, exactly once per (counter, period, alert), what fires.
 *
 * @param thresholds for {@link Kind#CROSSED}, the percents crossed; empty otherwise
 * @param reason for {@link Kind#REJECTED}, why the report was refused; null otherwise
 */
public record ThresholdSignal(
    CounterKey counter,
    BigDecimal limit,
    BigDecimal previous,
    BigDecimal updated,
    List<Integer> thresholds,
    Kind kind,
    Reason reason) {

  public enum Kind {
    /** previous &lt; limit × percent/100 ≤ updated, for each of {@code thresholds}. */
    CROSSED,
    /** A report counted past a SOFT limit: previous ≤ limit &lt; updated. */
    EXCEEDED,
    /** A report was refused; {@code updated} is the counter as it stands. */
    REJECTED
  }

  /** Thresholds crossed. */
  public ThresholdSignal(
      CounterKey counter,
      BigDecimal limit,
      BigDecimal previous,
      BigDecimal updated,
      List<Integer> thresholds) {
    this(counter, limit, previous, updated, thresholds, Kind.CROSSED, null);
  }

  public ThresholdSignal {
    thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
  }
}
