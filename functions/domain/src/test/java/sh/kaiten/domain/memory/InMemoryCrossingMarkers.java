package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.thresholds.CrossingMarkers;

/** The crossing markers in memory, for unit tests; written once per key like the DynamoDB ones. */
public final class InMemoryCrossingMarkers implements CrossingMarkers {
  private record Key(CounterKey counter, String alert) {}

  private final Map<Key, EventMarker> markers = new ConcurrentHashMap<>();

  @Override
  public EventMarker mark(CounterKey counter, String alert, String eventId, Instant now) {
    EventMarker fresh = new EventMarker(eventId, now, true, false);
    EventMarker existing = markers.putIfAbsent(new Key(counter, alert), fresh);
    return existing == null ? fresh : new EventMarker(existing.eventId(), existing.markedAt(), false, existing.published());
  }

  @Override
  public void published(CounterKey counter, String alert) {
    markers.computeIfPresent(new Key(counter, alert),
        (key, marker) -> new EventMarker(marker.eventId(), marker.markedAt(), false, true));
  }
}
