package sh.kaiten.domain.lifecycle;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import sh.kaiten.domain.events.EventMarker;

/**
 * Port: the license timers, filed by the UTC day they fall due. Each timer carries its own
 * {@link EventMarker}, so its event goes out once however often the scheduler runs.
 */
public interface LifecycleTimers {

  /** The timers of {@code day} due by {@code until} whose event has not gone out, by due time. */
  List<LifecycleTimer> due(LocalDate day, Instant until);

  EventMarker mark(LifecycleTimer timer, String eventId, Instant now);

  /** The timer is finished with: its event went out, or its license changed so it never will. */
  void done(LifecycleTimer timer);
}
