package sh.kaiten.domain.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.Events;

/** The events port in memory: keeps what was published; can be told to fail the next publish. */
public final class RecordedEvents implements Events {
  public final List<Event> published = new CopyOnWriteArrayList<>();
  private volatile boolean failNext;

  public void failNextPublish() {
    failNext = true;
  }

  @Override
  public void publish(Event event) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("the events queue is unavailable");
    }
    published.add(event);
  }
}
