package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.ThresholdCrossing;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * What reports tell the threshold evaluator: crossings, the first report past a SOFT limit,
 * refusals.
 */
final class UsageSignals {
  /** Beyond this many counters the memory of refusals already signalled starts over. */
  private static final int MAX_REMEMBERED_REFUSALS = 10_000;

  private final ThresholdSignals signals;
  private final UsageCounters counters;

  /** The counters this function instance has signalled a refusal of. */
  private final Set<CounterKey> refusalsSignalled = ConcurrentHashMap.newKeySet();

  UsageSignals(ThresholdSignals signals, UsageCounters counters) {
    this.signals = signals;
    this.counters = counters;
  }

  /**
   * After a write answered from the counter as read before it: reports other requests wrote
   * meanwhile are in neither's answer, so two of them can cross a boundary together while each
   * alone stays short of it (90, then 5 and 8 each answered from 90: 103 reached, 100 crossed, by
   * neither's reckoning). The counter read again spans every report's true step, and the evaluator
   * fires each alert once, so signalling from {@code estimated} to it misses none. No read once the
   * counter is past every boundary.
   */
  void settled(Meter meter, BigDecimal estimated) {
    if (meter.limit() == null || estimated.compareTo(highestBoundary(meter)) > 0) {
      return;
    }
    BigDecimal now;
    try {
      now = counters.tally(meter.key(), meter.metering()).value(meter.aggregation());
    } catch (RuntimeException readFailed) {
      // The reports are counted and answered: a failed read must not turn their answer into an
      // error.
      // Only an alert the read would have found is at stake (the estimate's own were signalled).
      return;
    }
    if (now.compareTo(estimated) > 0) {
      crossings(meter, estimated, now);
    }
  }

  /** The highest usage an alert of this counter is about: its highest threshold, or its limit. */
  private static BigDecimal highestBoundary(Meter meter) {
    BigDecimal highest = meter.limit();
    for (int percent : meter.metering().thresholds()) {
      highest = highest.max(ThresholdCrossing.boundary(meter.limit(), percent));
    }
    return highest;
  }

  /**
   * Thresholds crossed, and the first report past a SOFT limit, by a move of the counter from
   * previous to total.
   */
  void crossings(Meter meter, BigDecimal previous, BigDecimal total) {
    if (meter.limit() == null) {
      return;
    }
    List<Integer> crossed =
        ThresholdCrossing.crossedThresholds(
            meter.metering().thresholds(), meter.limit(), previous, total);
    if (!crossed.isEmpty()) {
      signals.publish(new ThresholdSignal(meter.key(), meter.limit(), previous, total, crossed));
    }
    if (meter.metering().enforcement() == Enforcement.SOFT
        && previous.compareTo(meter.limit()) <= 0
        && total.compareTo(meter.limit()) > 0) {
      signals.publish(
          new ThresholdSignal(
              meter.key(),
              meter.limit(),
              previous,
              total,
              List.of(),
              ThresholdSignal.Kind.EXCEEDED,
              null));
    }
  }

  /**
   * A refusal; the threshold evaluator fires the first of each counter and period. This function
   * sends it once per counter, so a client retrying against its limit sends no flood.
   */
  void refusal(Meter meter, BigDecimal usage, Reason reason) {
    if (refusalsSignalled.size() >= MAX_REMEMBERED_REFUSALS) {
      refusalsSignalled.clear();
    }
    if (refusalsSignalled.add(meter.key())) {
      signals.publish(
          new ThresholdSignal(
              meter.key(),
              meter.limit(),
              usage,
              usage,
              List.of(),
              ThresholdSignal.Kind.REJECTED,
              reason));
    }
  }
}
