package sh.kaiten.domain.lifecycle;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LifecycleTimer;

/**
 * Port: the license timers, filed by the UTC day they fall due, each fired once however often the
 * scheduler runs.
 */
public interface LifecycleTimers {

  /** The timers of {@code day} due by {@code until} that have not fired, by due time. */
  List<LifecycleTimer> due(LocalDate day, Instant until);

  /**
   * Fires the timer unless it fired before: marks it done and puts {@code event} into the outbox
   * (whose stream publishes it with this id) in one transaction.
   *
   * @return true when this call fired it; false when it had fired before (then nothing is written)
   */
  boolean fire(LifecycleTimer timer, Event event);

  /**
   * The timer is finished with without an event: its license changed, so its moment will not come.
   */
  void done(LifecycleTimer timer);
}
