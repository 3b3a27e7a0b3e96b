package sh.kaiten.domain.thresholds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.ThresholdCrossing;
import sh.kaiten.domain.usage.ThresholdSignal;

/**
 * Decides which alerts a report raised (thresholds crossed: previous &lt; boundary ≤ new; a SOFT
 * limit passed; a refusal) and fires each (counter, period, alert) exactly once, through a marker
 * per alert written in one transaction with the event's outbox item ({@link CrossingMarkers#fire}):
 * the event goes out, with the id it was given here, exactly when the alert is marked fired.
 */
public final class ThresholdEvaluator {
  private static final int LIMIT_PERCENT = 100;
  private static final String EXCEEDED = "exceeded";
  private static final String REJECTED = "rejected";

  private final CrossingMarkers markers;
  private final Clock clock;

  public ThresholdEvaluator(CrossingMarkers markers, Clock clock) {
    this.markers = markers;
    this.clock = clock;
  }

  /**
   * The events this signal fired, in threshold order: none when each of its alerts fired before.
   */
  public List<Event> evaluate(ThresholdSignal signal) {
    List<Event> fired = new ArrayList<>();
    switch (signal.kind()) {
      case CROSSED ->
          ThresholdCrossing.crossedThresholds(
                  signal.thresholds(), signal.limit(), signal.previous(), signal.updated())
              .forEach(
                  percent ->
                      fireOnce(
                              signal,
                              String.valueOf(percent),
                              percent == LIMIT_PERCENT
                                  ? EventType.USAGE_LIMIT_REACHED
                                  : EventType.USAGE_THRESHOLD_REACHED,
                              data -> data.put("threshold_percent", percent))
                          .ifPresent(fired::add));
      case EXCEEDED -> {
        if (signal.limit() != null
            && signal.previous().compareTo(signal.limit()) <= 0
            && signal.updated().compareTo(signal.limit()) > 0) {
          fireOnce(signal, EXCEEDED, EventType.USAGE_LIMIT_EXCEEDED, data -> {})
              .ifPresent(fired::add);
        }
      }
      case REJECTED ->
          fireOnce(
                  signal,
                  REJECTED,
                  EventType.USAGE_REPORT_REJECTED,
                  data ->
                      data.put("reason", signal.reason() == null ? null : signal.reason().name()))
              .ifPresent(fired::add);
      default -> throw new IllegalArgumentException("unknown signal " + signal.kind());
    }
    return fired;
  }

  /** Fires the alert's event unless an earlier delivery did: the marker decides. */
  private Optional<Event> fireOnce(
      ThresholdSignal signal, String alert, EventType type, Consumer<ObjectNode> details) {
    Instant now = clock.instant();
    CounterKey counter = signal.counter();
    ObjectNode data = EventData.of(counter);
    data.put("period", counter.period());
    details.accept(data);
    data.put("limit", signal.limit());
    data.put("current_usage", signal.updated());
    Event event = new Event(Ids.newId(Event.ID_PREFIX, now), counter.tenantId(), type, now, data);
    return markers.fire(counter, alert, event) ? Optional.of(event) : Optional.empty();
  }
}
