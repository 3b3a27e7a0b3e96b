package sh.kaiten.scheduler;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.lifecycle.LifecycleEvents;
import sh.kaiten.domain.lifecycle.LifecycleTimers;

/** Builds the jobs this function runs. */
public class SchedulerWiring {

  @Produces
  @Singleton
  LifecycleEvents lifecycle(LifecycleTimers timers, CatalogStore catalog, Events events, Clock clock) {
    return new LifecycleEvents(timers, catalog, events, clock);
  }
}
