package sh.kaiten.domain.webhooks;

/** Port: the deliveries queue, one message per delivery round, each endpoint retried on its own. */
public interface DeliveryQueue {
  void enqueue(DeliveryTicket ticket);
}
