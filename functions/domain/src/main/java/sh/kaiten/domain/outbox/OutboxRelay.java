package sh.kaiten.domain.outbox;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sends what the outbox's stream hands over (events for the events queue, webhook delivery rounds
 * for the deliveries queue), in stream order, each as it was stored, its id fixed there. Delivery
 * is at least once: a batch that failed part-way is handed over again from the first message that
 * failed, so a message may go out twice, always with the same id, and receivers drop the second by
 * id. Messages after a failure are not tried: the stream hands them over again anyway.
 *
 * @param <T> what one outbox item holds
 */
public final class OutboxRelay<T> {
  private final Consumer<? super T> send;

  /**
   * @param send puts one message on its queue, or throws
   */
  public OutboxRelay(Consumer<? super T> send) {
    this.send = send;
  }

  /**
   * @return how many of {@code batch}, from the first, went out, and why the next one did not
   */
  public Relayed relay(List<? extends T> batch) {
    for (int i = 0; i < batch.size(); i++) {
      try {
        send.accept(batch.get(i));
      } catch (RuntimeException e) {
        return new Relayed(i, Optional.of(e));
      }
    }
    return new Relayed(batch.size(), Optional.empty());
  }

  /**
   * @param published the first {@code published} messages of the batch went out
   */
  public record Relayed(int published, Optional<RuntimeException> failure) {}
}
