package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.util.List;
import sh.kaiten.domain.metering.CounterKey;

/**
 * A report moved a counter across alert thresholds. The threshold evaluator decides, exactly once
 * per (counter, period, threshold), what fires.
 */
public record ThresholdSignal(
    CounterKey counter, BigDecimal limit, BigDecimal previous, BigDecimal updated, List<Integer> thresholds) {}
