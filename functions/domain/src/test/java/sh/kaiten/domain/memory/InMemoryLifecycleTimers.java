package sh.kaiten.domain.memory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;

/** The lifecycle timers in memory, for unit tests; each marker written once like the DynamoDB ones. */
public final class InMemoryLifecycleTimers implements LifecycleTimers {
  private final Set<LifecycleTimer> timers = ConcurrentHashMap.newKeySet();
  private final Map<LifecycleTimer, EventMarker> markers = new ConcurrentHashMap<>();
  private final Set<LifecycleTimer> done = ConcurrentHashMap.newKeySet();

  public void add(LifecycleTimer timer) {
    timers.add(timer);
  }

  public List<LifecycleTimer> all() {
    return timers.stream().sorted(Comparator.comparing(LifecycleTimer::dueAt)).toList();
  }

  @Override
  public List<LifecycleTimer> due(LocalDate day, Instant until) {
    return timers.stream()
        .filter(t -> LocalDate.ofInstant(t.dueAt(), ZoneOffset.UTC).equals(day) && !t.dueAt().isAfter(until))
        .filter(t -> !done.contains(t))
        .sorted(Comparator.comparing(LifecycleTimer::dueAt))
        .toList();
  }

  @Override
  public EventMarker mark(LifecycleTimer timer, String eventId, Instant now) {
    EventMarker fresh = new EventMarker(eventId, now, true, false);
    EventMarker existing = markers.putIfAbsent(timer, fresh);
    return existing == null ? fresh
        : new EventMarker(existing.eventId(), existing.markedAt(), false, done.contains(timer));
  }

  @Override
  public void done(LifecycleTimer timer) {
    done.add(timer);
  }
}
