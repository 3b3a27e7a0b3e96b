package sh.kaiten.domain.memory;

import java.util.List;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.events.EventsContract;

/** The in-memory events keep the port's contract. */
class RecordedEventsContractTest extends EventsContract {
  private final RecordedEvents events = new RecordedEvents();

  @Override
  protected Events events() {
    return events;
  }

  @Override
  protected List<Event> published(String tenantId) {
    List<Event> taken =
        events.published.stream().filter(event -> event.tenantId().equals(tenantId)).toList();
    events.published.removeAll(taken);
    return taken;
  }
}
