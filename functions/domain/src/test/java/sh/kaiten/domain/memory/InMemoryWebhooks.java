package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryQueue;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookStore;

/**
 * Webhook endpoints, deliveries and the deliveries queue in memory (no paging: one page holds all).
 */
public final class InMemoryWebhooks implements WebhookStore, DeliveryQueue {
  public final List<DeliveryTicket> enqueued = new CopyOnWriteArrayList<>();

  /** The audit records written with endpoint changes. */
  public final InMemoryOutbox outbox = new InMemoryOutbox();

  private final Map<String, WebhookEndpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();

  @Override
  public void enqueue(DeliveryTicket ticket) {
    enqueued.add(ticket);
  }

  /** The endpoints as they are, for a many-record write to put back when it is refused. */
  synchronized Map<String, WebhookEndpoint> endpointsSnapshot() {
    return Map.copyOf(endpoints);
  }

  synchronized void restoreEndpoints(Map<String, WebhookEndpoint> snapshot) {
    endpoints.clear();
    endpoints.putAll(snapshot);
  }

  @Override
  public synchronized void createEndpoint(
      String tenantId, WebhookEndpoint endpoint, ChangeRecords records) {
    if (endpoints.putIfAbsent(tenantId + "#" + endpoint.id(), endpoint) != null) {
      throw new ConflictException("id", "exists");
    }
    outbox.write(records);
  }

  @Override
  public Optional<WebhookEndpoint> findEndpoint(String tenantId, String id) {
    return Optional.ofNullable(endpoints.get(tenantId + "#" + id));
  }

  @Override
  public Page<WebhookEndpoint> endpoints(String tenantId, PageRequest page) {
    return InMemoryPages.page(allEndpoints(tenantId), WebhookEndpoint::id, true, page);
  }

  @Override
  public List<WebhookEndpoint> allEndpoints(String tenantId) {
    return endpoints.entrySet().stream()
        .filter(e -> e.getKey().startsWith(tenantId + "#"))
        .map(Map.Entry::getValue)
        .sorted(Comparator.comparing(WebhookEndpoint::id))
        .toList();
  }

  @Override
  public synchronized void updateEndpoint(
      String tenantId, WebhookEndpoint endpoint, Instant expectedUpdatedAt, ChangeRecords records) {
    WebhookEndpoint current = endpoints.get(tenantId + "#" + endpoint.id());
    if (current == null || !current.updatedAt().equals(expectedUpdatedAt)) {
      throw new ConflictException(null, "changed");
    }
    endpoints.put(tenantId + "#" + endpoint.id(), endpoint);
    outbox.write(records);
  }

  @Override
  public synchronized boolean deleteEndpoint(String tenantId, String id, ChangeRecords records) {
    boolean deleted = endpoints.remove(tenantId + "#" + id) != null;
    if (deleted) {
      outbox.write(records);
    }
    return deleted;
  }

  @Override
  public Created createDelivery(String tenantId, Delivery delivery) {
    Delivery existing =
        deliveries.putIfAbsent(key(tenantId, delivery.endpointId(), delivery.id()), delivery);
    return existing == null ? new Created(delivery, true) : new Created(existing, false);
  }

  /** In memory, the dispatch is the enqueue itself, made with the delivery and its records. */
  @Override
  public synchronized Delivery dispatchDelivery(
      String tenantId, Delivery delivery, ChangeRecords records) {
    Delivery stored =
        with(
            delivery,
            delivery.status(),
            delivery.attempts(),
            delivery.lastResponseCode(),
            delivery.lastLatencyMs(),
            delivery.lastError(),
            delivery.generation(),
            true,
            delivery.updatedAt());
    if (deliveries.putIfAbsent(key(tenantId, delivery.endpointId(), delivery.id()), stored)
        != null) {
      throw new ConflictException(null, "exists");
    }
    outbox.write(records);
    enqueue(stored.ticket(tenantId));
    return stored;
  }

  @Override
  public Optional<Delivery> findDelivery(String tenantId, String endpointId, String deliveryId) {
    return Optional.ofNullable(deliveries.get(key(tenantId, endpointId, deliveryId)));
  }

  @Override
  public Page<Delivery> deliveries(String tenantId, String endpointId, PageRequest page) {
    List<Delivery> found =
        deliveries.entrySet().stream()
            .filter(e -> e.getKey().startsWith(tenantId + "#" + endpointId + "#"))
            .map(Map.Entry::getValue)
            .toList();
    return InMemoryPages.page(found, Delivery::id, false, page);
  }

  @Override
  public void markEnqueued(String tenantId, Delivery delivery) {
    deliveries.computeIfPresent(
        key(tenantId, delivery.endpointId(), delivery.id()),
        (k, d) ->
            d.generation() != delivery.generation()
                ? d
                : with(
                    d,
                    d.status(),
                    d.attempts(),
                    d.lastResponseCode(),
                    d.lastLatencyMs(),
                    d.lastError(),
                    d.generation(),
                    true,
                    d.updatedAt()));
  }

  @Override
  public boolean recordAttempt(
      String tenantId,
      DeliveryTicket ticket,
      AttemptResult result,
      DeliveryStatus status,
      Instant at) {
    String key = key(tenantId, ticket.endpointId(), ticket.deliveryId());
    Delivery d = deliveries.get(key);
    if (d == null
        || d.generation() != ticket.generation()
        || d.status() != DeliveryStatus.PENDING) {
      return false;
    }
    deliveries.put(
        key,
        with(
            d,
            status,
            d.attempts() + 1,
            result.responseCode(),
            result.latencyMs(),
            result.error(),
            d.generation(),
            d.enqueued(),
            at));
    return true;
  }

  @Override
  public synchronized Delivery restartDelivery(
      String tenantId, Delivery delivery, Instant at, ChangeRecords records) {
    String key = key(tenantId, delivery.endpointId(), delivery.id());
    Delivery d = deliveries.get(key);
    if (d == null
        || d.generation() != delivery.generation()
        || d.status() == DeliveryStatus.PENDING) {
      throw new ConflictException(null, "being delivered");
    }
    Delivery restarted =
        with(
            d,
            DeliveryStatus.PENDING,
            d.attempts(),
            d.lastResponseCode(),
            d.lastLatencyMs(),
            d.lastError(),
            d.generation() + 1,
            true,
            at);
    deliveries.put(key, restarted);
    outbox.write(records);
    enqueue(restarted.ticket(tenantId));
    return restarted;
  }

  private static Delivery with(
      Delivery d,
      DeliveryStatus status,
      int attempts,
      Integer code,
      Long latency,
      String error,
      int generation,
      boolean enqueued,
      Instant at) {
    return new Delivery(
        d.id(),
        d.endpointId(),
        d.eventId(),
        d.eventType(),
        d.payload(),
        status,
        attempts,
        code,
        latency,
        error,
        generation,
        enqueued,
        d.createdAt(),
        at);
  }

  private static String key(String tenantId, String endpointId, String deliveryId) {
    return tenantId + "#" + endpointId + "#" + deliveryId;
  }
}
