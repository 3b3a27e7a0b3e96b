package sh.kaiten.domain.webhooks;

import java.time.Instant;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.events.Event;

/**
 * One event on its way to one endpoint, and its log entry. The id is derived from the event and the
 * endpoint, so delivering an event twice finds the delivery it made the first time; it is also the
 * {@code webhook-id} header, the same on every attempt and every redelivery.
 *
 * @param payload the exact body every attempt sends: {@code {"id","type","created_at","data"}}
 * @param generation 0 for the first round of attempts, one more for each redelivery; a queue
 *     message of an older round is stale and is dropped
 * @param enqueued true once the delivery is on the deliveries queue
 */
public record Delivery(
    String id,
    String endpointId,
    String eventId,
    String eventType,
    String payload,
    DeliveryStatus status,
    int attempts,
    Integer lastResponseCode,
    Long lastLatencyMs,
    String lastError,
    int generation,
    boolean enqueued,
    Instant createdAt,
    Instant updatedAt) {

  public static final String ID_PREFIX = "dlv";

  /**
   * A new delivery of {@code event} to {@code endpointId}: filed by the event's time, so the log
   * reads newest first.
   */
  public static Delivery of(Event event, String endpointId, Instant now) {
    String id = Ids.derivedId(ID_PREFIX, event.createdAt(), event.id() + "#" + endpointId);
    return new Delivery(
        id,
        endpointId,
        event.id(),
        event.type().wireName(),
        WebhookPayload.of(event),
        DeliveryStatus.PENDING,
        0,
        null,
        null,
        null,
        0,
        false,
        now,
        now);
  }

  /** What the deliveries queue carries for this delivery's current round. */
  public DeliveryTicket ticket(String tenantId) {
    return new DeliveryTicket(tenantId, endpointId, id, generation);
  }
}
