package sh.kaiten.domain.memory;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.lifecycle.LifecycleTimersContract;

/** The in-memory timers keep the port's contract, so the scheduler's tests mean what they say. */
class InMemoryLifecycleTimersContractTest extends LifecycleTimersContract {
  private final InMemoryLifecycleTimers timers = new InMemoryLifecycleTimers();

  @Override
  protected LifecycleTimers timers() {
    return timers;
  }

  @Override
  protected void file(LifecycleTimer timer) {
    timers.add(timer);
  }

  @Override
  protected boolean outboxed(Event event) {
    return timers.outbox.events.contains(event);
  }
}
