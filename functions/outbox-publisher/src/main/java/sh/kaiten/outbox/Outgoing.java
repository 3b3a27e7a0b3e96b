package sh.kaiten.outbox;

import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.BillingJobs;
import sh.kaiten.domain.billing.UsageStream;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.webhooks.DeliveryQueue;
import sh.kaiten.domain.webhooks.DeliveryTicket;

/**
 * What one Outbox item holds, on its way out: a change's event, for the events queue (a period's
 * close also asks billing-sync to flush the period, on the billing queue); a webhook delivery round
 * a request started (a test event, a redelivery), for the deliveries queue; or what a usage write
 * counted, for the billing queue.
 */
sealed interface Outgoing {

  /** The queues an item can be for. */
  record Queues(
      Events events, DeliveryQueue deliveries, UsageStream usage, BillingJobs billingJobs) {}

  /** Puts the message on the queue it is for, or throws. */
  void send(Queues queues);

  /** For the log: what went out, and for whom. */
  String describe();

  record Announcement(Event event) implements Outgoing {
    @Override
    public void send(Queues queues) {
      // A closed period's reports are flushed to Stripe: billing-sync hears of it first, so a
      // failure here sends neither and both come again.
      if (event.type() == EventType.USAGE_PERIOD_CLOSED) {
        queues.billingJobs().enqueue(BillingJob.PeriodFlush.of(event));
      }
      queues.events().publish(event);
    }

    @Override
    public String describe() {
      return event.type().wireName() + " " + event.id() + " for tenant " + event.tenantId();
    }
  }

  record Dispatch(DeliveryTicket ticket) implements Outgoing {
    @Override
    public void send(Queues queues) {
      queues.deliveries().enqueue(ticket);
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

  record Counted(AcceptedUsage usage) implements Outgoing {
    @Override
    public void send(Queues queues) {
      queues.usage().publish(usage);
    }

    @Override
    public String describe() {
      return usage.reports().size()
          + " counted reports ("
          + usage.id()
          + ") of instance "
          + usage.instanceId()
          + " for tenant "
          + usage.tenantId();
    }
  }
}
