package sh.kaiten.outbox;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.webhooks.DeliveryQueue;
import sh.kaiten.domain.webhooks.DeliveryTicket;

/**
 * What one Outbox item holds, on its way out: a change's event, for the events queue, or a webhook
 * delivery round a request started (a test event, a redelivery), for the deliveries queue.
 */
sealed interface Outgoing {

  /** Puts the message on the queue it is for, or throws. */
  void send(Events events, DeliveryQueue deliveries);

  /** For the log: what went out, and for whom. */
  String describe();

  record Announcement(Event event) implements Outgoing {
    @Override
    public void send(Events events, DeliveryQueue deliveries) {
      events.publish(event);
    }

    @Override
    public String describe() {
      return event.type().wireName() + " " + event.id() + " for tenant " + event.tenantId();
    }
  }

  record Dispatch(DeliveryTicket ticket) implements Outgoing {
    @Override
    public void send(Events events, DeliveryQueue deliveries) {
      deliveries.enqueue(ticket);
    }

    @Override
    public String describe() {
      return "delivery "
          + ticket.deliveryId()
          + " (round "
          + ticket.generation()
          + ") to webhook "
          + ticket.endpointId()
          + " for tenant "
          + ticket.tenantId();
    }
  }
}
