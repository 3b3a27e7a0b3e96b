package sh.kaiten.domain.memory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The lifecycle timers in memory, for unit tests: each fired once like the DynamoDB ones, with its
 * event into {@link #outbox}, together; can be told to fail the next fire (nothing is written).
 */
public final class InMemoryLifecycleTimers implements LifecycleTimers {
  /**
   * As the table's sort key orders a day's timers: by due time, then tenant, license and moment.
   */
  private static final Comparator<LifecycleTimer> DUE_ORDER =
      Comparator.comparing(LifecycleTimer::dueAt)
          .thenComparing(LifecycleTimer::tenantId)
          .thenComparing(LifecycleTimer::licenseId)
          .thenComparing(timer -> timer.moment().name());

  public final InMemoryOutbox outbox = new InMemoryOutbox();
  private final Set<LifecycleTimer> timers = ConcurrentHashMap.newKeySet();
  private final Set<LifecycleTimer> done = ConcurrentHashMap.newKeySet();
  private volatile boolean failNext;

  public void add(LifecycleTimer timer) {
    timers.add(timer);
  }

  public List<LifecycleTimer> all() {
    return timers.stream().sorted(DUE_ORDER).toList();
  }

  public void failNextFire() {
    failNext = true;
  }

  @Override
  public List<LifecycleTimer> due(LocalDate day, Instant until) {
    return timers.stream()
        .filter(
            t ->
                LocalDate.ofInstant(t.dueAt(), ZoneOffset.UTC).equals(day)
                    && !t.dueAt().isAfter(until))
        .filter(t -> !done.contains(t))
        .sorted(DUE_ORDER)
        .toList();
  }

  @Override
  public synchronized boolean fire(LifecycleTimer timer, Event event) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("the catalog table is unavailable");
    }
    // As the timer's conditional write: only a timer filed (not gone with its license) and not done
    // fires.
    if (!timers.contains(timer) || !done.add(timer)) {
      return false;
    }
    outbox.write(new ChangeRecords(List.of(event), List.of()));
    return true;
  }

  @Override
  public void done(LifecycleTimer timer) {
    done.add(timer);
  }
}
