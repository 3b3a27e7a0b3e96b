package sh.kaiten.domain.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.events.Event;

/**
 * The webhook dispatcher's use cases. The fan-out turns one event into one delivery per subscribed
 * endpoint, each its own queue message, so each endpoint is retried on its own. An attempt POSTs
 * one delivery and records what happened.
 */
public final class WebhookDispatch {
  public static final String ATTEMPTED = "webhook.delivery_attempted";
  static final String ACTOR = "system:webhook-dispatcher";

  private final WebhookStore store;
  private final DeliveryQueue queue;
  private final WebhookTransport transport;
  private final RetrySchedule schedule;
  private final Clock clock;
  private final DoubleSupplier random;
  private final Auditing audit;
  private final PushTargets targets;

  public WebhookDispatch(
      WebhookStore store,
      DeliveryQueue queue,
      WebhookTransport transport,
      RetrySchedule schedule,
      Clock clock,
      DoubleSupplier random,
      Auditing audit) {
    this(store, queue, transport, schedule, clock, random, audit, PushTargets.NONE);
  }

  /**
   * @param audit where each attempt is recorded before its message is acknowledged
   * @param targets the endpoints delivered to besides the tenant's webhooks (the CRM connector)
   */
  public WebhookDispatch(
      WebhookStore store,
      DeliveryQueue queue,
      WebhookTransport transport,
      RetrySchedule schedule,
      Clock clock,
      DoubleSupplier random,
      Auditing audit,
      PushTargets targets) {
    this.audit = audit;
    this.targets = targets;
    this.store = store;
    this.queue = queue;
    this.transport = transport;
    this.schedule = schedule;
    this.clock = clock;
    this.random = random;
  }

  /**
   * One delivery per endpoint of the event's tenant that subscribes to its type. Idempotent: a
   * delivery's id is derived from the event and the endpoint and written once, so the event
   * delivered again enqueues only what was not enqueued before (a fan-out that died between the
   * two).
   *
   * @return the deliveries this call enqueued
   */
  public List<Delivery> fanOut(Event event) {
    Instant now = clock.instant();
    List<Delivery> enqueued = new ArrayList<>();
    for (WebhookEndpoint endpoint : store.allEndpoints(event.tenantId())) {
      if (!endpoint.subscribes(event.type().wireName())) {
        continue;
      }
      Delivery delivery =
          store.createDelivery(event.tenantId(), Delivery.of(event, endpoint.id(), now)).delivery();
      if (!delivery.enqueued() && delivery.generation() == 0) {
        queue.enqueue(delivery.ticket(event.tenantId()));
        store.markEnqueued(event.tenantId(), delivery);
        enqueued.add(delivery);
      }
    }
    return enqueued;
  }

  /**
   * One attempt of a delivery round. A message of a round that a redelivery replaced, or of a
   * delivery already made, or for an endpoint since deleted, is done without a request.
   *
   * @param attempt which attempt of this round this is (the queue's receive count), from 1
   */
  private void record(
      DeliveryTicket ticket,
      Delivery delivery,
      WebhookEndpoint endpoint,
      int attempt,
      AttemptResult result,
      DeliveryStatus status) {
    ObjectNode request =
        JsonNodeFactory.instance
            .objectNode()
            .put("webhook_id", endpoint.id())
            .put("url", endpoint.url())
            .put("delivery_id", delivery.id())
            .put("event_id", delivery.eventId())
            .put("event_type", delivery.eventType())
            .put("attempt", attempt);
    ObjectNode outcome =
        JsonNodeFactory.instance
            .objectNode()
            .put("status", status.name())
            .put("response_code", result.responseCode())
            .put("latency_ms", result.latencyMs())
            .put("error", result.error());
    audit.record(
        ticket.tenantId(),
        ACTOR,
        null,
        List.of(
            new AuditEntry(ATTEMPTED, null, List.of(), request.toString(), outcome.toString())));
  }

  public AttemptOutcome attempt(DeliveryTicket ticket, int attempt) {
    Optional<Delivery> found =
        store.findDelivery(ticket.tenantId(), ticket.endpointId(), ticket.deliveryId());
    Optional<WebhookEndpoint> endpoint =
        targets
            .find(ticket.tenantId(), ticket.endpointId())
            .or(() -> store.findEndpoint(ticket.tenantId(), ticket.endpointId()));
    if (found.isEmpty() || endpoint.isEmpty()) {
      return AttemptOutcome.DONE;
    }
    Delivery delivery = found.get();
    if (delivery.generation() != ticket.generation()
        || delivery.status() != DeliveryStatus.PENDING) {
      return AttemptOutcome.DONE;
    }
    Instant now = clock.instant();
    AttemptResult result =
        transport.post(
            endpoint.get().url(),
            delivery.id(),
            now,
            delivery.payload(),
            endpoint.get().signingSecrets(now));
    boolean last = attempt >= schedule.attempts();
    DeliveryStatus status =
        result.succeeded()
            ? DeliveryStatus.SUCCEEDED
            : last ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
    record(ticket, delivery, endpoint.get(), attempt, result, status);
    if (!store.recordAttempt(ticket.tenantId(), ticket, result, status, clock.instant())) {
      return AttemptOutcome.DONE;
    }
    if (result.succeeded()) {
      return AttemptOutcome.DONE;
    }
    return last
        ? AttemptOutcome.GIVE_UP
        : AttemptOutcome.retryAfter(schedule.delayAfter(attempt, random));
  }
}
