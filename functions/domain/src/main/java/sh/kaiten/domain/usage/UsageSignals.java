package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.ThresholdCrossing;

/** What reports tell the threshold evaluator: crossings, the first report past a SOFT limit, refusals. */
final class UsageSignals {
  /** Beyond this many counters the memory of refusals already signalled starts over. */
  private static final int MAX_REMEMBERED_REFUSALS = 10_000;

  private final ThresholdSignals signals;
  /** The counters this function instance has signalled a refusal of. */
  private final Set<CounterKey> refusalsSignalled = ConcurrentHashMap.newKeySet();

  UsageSignals(ThresholdSignals signals) {
    this.signals = signals;
  }

  /** Thresholds crossed, and the first report past a SOFT limit, by a move of the counter from previous to total. */
  void crossings(Meter meter, BigDecimal previous, BigDecimal total) {
    if (meter.limit() == null) {
      return;
    }
    List<Integer> crossed =
        ThresholdCrossing.crossedThresholds(meter.metering().thresholds(), meter.limit(), previous, total);
    if (!crossed.isEmpty()) {
      signals.publish(new ThresholdSignal(meter.key(), meter.limit(), previous, total, crossed));
    }
    if (meter.metering().enforcement() == Enforcement.SOFT
        && previous.compareTo(meter.limit()) <= 0 && total.compareTo(meter.limit()) > 0) {
      signals.publish(new ThresholdSignal(
          meter.key(), meter.limit(), previous, total, List.of(), ThresholdSignal.Kind.EXCEEDED, null));
    }
  }

  /**
   * A refusal; the threshold evaluator fires the first of each counter and period. This function sends
   * it once per counter, so a client retrying against its limit sends no flood.
   */
  void refusal(Meter meter, BigDecimal usage, Reason reason) {
    if (refusalsSignalled.size() >= MAX_REMEMBERED_REFUSALS) {
      refusalsSignalled.clear();
    }
    if (refusalsSignalled.add(meter.key())) {
      signals.publish(new ThresholdSignal(
          meter.key(), meter.limit(), usage, usage, List.of(), ThresholdSignal.Kind.REJECTED, reason));
    }
  }
}
