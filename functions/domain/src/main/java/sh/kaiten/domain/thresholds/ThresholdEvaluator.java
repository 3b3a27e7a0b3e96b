package sh.kaiten.domain.thresholds;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.ThresholdCrossing;
import sh.kaiten.domain.usage.ThresholdSignal;

/**
 * Decides which thresholds a usage change crossed (previous &lt; boundary ≤ new) and fires each
 * (counter, period, threshold) exactly once, through a marker per crossing (see {@link EventMarker}).
 */
public final class ThresholdEvaluator {
  private static final int LIMIT_PERCENT = 100;

  private final CrossingMarkers markers;
  private final Events events;
  private final Clock clock;

  public ThresholdEvaluator(CrossingMarkers markers, Events events, Clock clock) {
    this.markers = markers;
    this.events = events;
    this.clock = clock;
  }

  /** The events this signal fired, in threshold order: none when each of its crossings fired before. */
  public List<Event> evaluate(ThresholdSignal signal) {
    List<Integer> crossed = ThresholdCrossing.crossedThresholds(
        signal.thresholds(), signal.limit(), signal.previous(), signal.updated());
    List<Event> fired = new ArrayList<>();
    for (int percent : crossed) {
      Instant now = clock.instant();
      EventMarker marker = markers.mark(signal.counter(), percent, Ids.newId(Event.ID_PREFIX, now), now);
      EventMarker.Next next = marker.next(now);
      if (next == EventMarker.Next.DONE) {
        continue;
      }
      if (next == EventMarker.Next.WAIT) {
        throw new CrossingInProgressException(marker.eventId());
      }
      Event event = crossingEvent(marker.eventId(), signal, percent, now);
      events.publish(event);
      markers.published(signal.counter(), percent);
      fired.add(event);
    }
    return fired;
  }

  private static Event crossingEvent(String eventId, ThresholdSignal signal, int percent, Instant now) {
    CounterKey counter = signal.counter();
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put(counter.holderKind() + "_id", counter.holderId());
    data.put("entitlement", counter.entitlement());
    data.put("period", counter.period());
    data.put("threshold_percent", percent);
    data.put("limit", signal.limit());
    data.put("current_usage", signal.updated());
    EventType type = percent == LIMIT_PERCENT ? EventType.USAGE_LIMIT_REACHED : EventType.USAGE_THRESHOLD_REACHED;
    return new Event(eventId, counter.tenantId(), type, now, data);
  }
}
