package sh.kaiten.outbox;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import sh.kaiten.domain.billing.BillingJobs;
import sh.kaiten.domain.billing.UsageStream;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.outbox.OutboxRelay;
import sh.kaiten.domain.webhooks.DeliveryQueue;

/** Builds the use case this function serves. */
public class OutboxWiring {

  @Produces
  @Singleton
  OutboxRelay<Outgoing> relay(
      Events events, DeliveryQueue deliveries, UsageStream usage, BillingJobs billingJobs) {
    Outgoing.Queues queues = new Outgoing.Queues(events, deliveries, usage, billingJobs);
    return new OutboxRelay<>(message -> message.send(queues));
  }
}
