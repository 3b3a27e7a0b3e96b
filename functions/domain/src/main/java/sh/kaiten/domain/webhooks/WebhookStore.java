package sh.kaiten.domain.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: webhook endpoints and their delivery logs, per tenant. An endpoint's change is written with
 * its {@link ChangeRecords} (its audit record) as one transaction: both are stored, or neither.
 */
public interface WebhookStore {

  void createEndpoint(String tenantId, WebhookEndpoint endpoint, ChangeRecords records);

  Optional<WebhookEndpoint> findEndpoint(String tenantId, String id);

  /** One page of the tenant's endpoints, oldest first. */
  Page<WebhookEndpoint> endpoints(String tenantId, PageRequest page);

  /** Every endpoint of the tenant, for the fan-out. */
  List<WebhookEndpoint> allEndpoints(String tenantId);

  /**
   * Replaces the endpoint if it is still as read ({@code expectedUpdatedAt}).
   *
   * @throws sh.kaiten.domain.error.ConflictException when it changed or went in the meantime
   */
  void updateEndpoint(
      String tenantId, WebhookEndpoint endpoint, Instant expectedUpdatedAt, ChangeRecords records);

  /**
   * @return false when there was no such endpoint (then nothing is written)
   */
  boolean deleteEndpoint(String tenantId, String id, ChangeRecords records);

  /**
   * Writes the delivery unless one with its id exists. @return the stored delivery, and whether
   * this call wrote it
   */
  Created createDelivery(String tenantId, Delivery delivery);

  record Created(Delivery delivery, boolean created) {}

  /**
   * Writes a new delivery (a test event's) together with its dispatch and the change's records, as
   * one transaction: its ticket goes into the outbox, whose stream puts it on the deliveries queue.
   * So a stored delivery is always sent, and one that was not stored is not.
   *
   * @return the delivery as stored: enqueued, since its ticket is stored with it
   */
  Delivery dispatchDelivery(String tenantId, Delivery delivery, ChangeRecords records);

  Optional<Delivery> findDelivery(String tenantId, String endpointId, String deliveryId);

  /** One page of an endpoint's deliveries, newest first. */
  Page<Delivery> deliveries(String tenantId, String endpointId, PageRequest page);

  /** Notes that the delivery's current round is on the queue. */
  void markEnqueued(String tenantId, Delivery delivery);

  /**
   * Records one attempt of round {@code generation}: one more attempt, its result, the new status.
   *
   * @return false when a redelivery started another round meanwhile (nothing is written)
   */
  boolean recordAttempt(
      String tenantId,
      DeliveryTicket ticket,
      AttemptResult result,
      DeliveryStatus status,
      Instant at);

  /**
   * Starts a new round of a delivery that is not pending (PENDING, generation + 1) with its
   * dispatch (its ticket into the outbox) and the change's records, as one transaction.
   *
   * @throws sh.kaiten.domain.error.ConflictException when it is pending (or changed since read)
   */
  Delivery restartDelivery(String tenantId, Delivery delivery, Instant at, ChangeRecords records);
}
