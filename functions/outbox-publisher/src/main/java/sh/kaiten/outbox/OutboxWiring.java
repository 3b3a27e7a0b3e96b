package sh.kaiten.outbox;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.outbox.OutboxRelay;

/** Builds the use case this function serves. */
public class OutboxWiring {

  @Produces
  @Singleton
  OutboxRelay relay(Events events) {
    return new OutboxRelay(events);
  }
}
