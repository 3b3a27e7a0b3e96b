package sh.kaiten.domain.memory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.thresholds.CrossingMarkers;

/**
 * The crossing markers in memory, for unit tests: written once per key like the DynamoDB ones, each
 * with its event into {@link #outbox}, together; can be told to fail the next write (nothing is
 * written).
 */
public final class InMemoryCrossingMarkers implements CrossingMarkers {
  private record Key(CounterKey counter, String alert) {}

  public final InMemoryOutbox outbox = new InMemoryOutbox();
  private final Map<Key, String> markers = new ConcurrentHashMap<>();
  private volatile boolean failNext;

  public void failNextWrite() {
    failNext = true;
  }

  @Override
  public boolean fire(CounterKey counter, String alert, Event event) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("the usage table is unavailable");
    }
    // putIfAbsent decides, as the marker's condition does; the event goes with it or not at all.
    synchronized (this) {
      if (markers.putIfAbsent(new Key(counter, alert), event.id()) != null) {
        return false;
      }
      outbox.write(new ChangeRecords(List.of(event), List.of()));
      return true;
    }
  }
}
