package sh.kaiten.domain.events;

/** Port: where events go (the events queue, from which webhooks are delivered). */
public interface Events {
  void publish(Event event);
}
