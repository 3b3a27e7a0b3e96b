package sh.kaiten.domain.outbox;

import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.Events;

/**
 * Publishes the events the outbox's stream hands over, in stream order, each with the id it was
 * stored with. Delivery is at least once: a batch that failed part-way is handed over again from the
 * first event that failed, so an event may go out twice, always with the same id, and receivers drop
 * the second by id. Events after a failure are not tried: the stream hands them over again anyway.
 */
public final class OutboxRelay {
  private final Events events;

  public OutboxRelay(Events events) {
    this.events = events;
  }

  /** @return how many of {@code batch}, from the first, went out, and why the next one did not */
  public Relayed relay(List<Event> batch) {
    for (int i = 0; i < batch.size(); i++) {
      try {
        events.publish(batch.get(i));
      } catch (RuntimeException e) {
        return new Relayed(i, Optional.of(e));
      }
    }
    return new Relayed(batch.size(), Optional.empty());
  }

  /** @param published the first {@code published} events of the batch went out */
  public record Relayed(int published, Optional<RuntimeException> failure) {}
}
