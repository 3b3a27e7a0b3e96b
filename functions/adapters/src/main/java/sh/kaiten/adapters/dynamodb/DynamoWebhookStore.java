package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Webhook endpoints and their delivery logs on the Webhooks table (keys in {@link Keys}, items in
 * {@link WebhookItems}): each change written with its records, a delivery's attempts and rounds
 * under conditions on its generation, so a late attempt of an old round changes nothing.
 *
 * <p>Longer than most classes here: the port's operations on two kinds of item, each its own
 * condition and transaction; the items themselves are {@link WebhookItems}'.
 */
public final class DynamoWebhookStore implements WebhookStore {
  private final DynamoDbClient dynamo;
  private final String table;
  private final TenantItems items;
  private final ChangeItems changes;

  public DynamoWebhookStore(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.items = new TenantItems(dynamo, table);
    this.changes = changes;
  }

  @Override
  public void createEndpoint(String tenantId, WebhookEndpoint endpoint, ChangeRecords records) {
    if (!transact(newEndpoint(table, tenantId, endpoint), records)) {
      throw new ConflictException("id", "webhook '" + endpoint.id() + "' already exists");
    }
  }

  /**
   * An endpoint's write and its change's records, as one transaction.
   *
   * @return false when the write's condition refused it (then nothing is written)
   */
  private boolean transact(TransactWriteItem write, ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>(List.of(write));
    writes.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      if (ChangeItems.refusedAt(e, 0)) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public Optional<WebhookEndpoint> findEndpoint(String tenantId, String id) {
    return items.get(tenantId, Keys.ENDPOINT + id).map(WebhookItems::endpoint);
  }

  @Override
  public Page<WebhookEndpoint> endpoints(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.ENDPOINT, page, true, WebhookItems::endpoint);
  }

  @Override
  public List<WebhookEndpoint> allEndpoints(String tenantId) {
    return items.all(tenantId, Keys.ENDPOINT).map(WebhookItems::endpoint).toList();
  }

  @Override
  public void updateEndpoint(
      String tenantId, WebhookEndpoint endpoint, Instant expectedUpdatedAt, ChangeRecords records) {
    if (!transact(changedEndpoint(table, tenantId, endpoint, expectedUpdatedAt), records)) {
      throw new ConflictException(
          null, "webhook '" + endpoint.id() + "' was changed by another request; read it again");
    }
  }

  @Override
  public boolean deleteEndpoint(String tenantId, String id, ChangeRecords records) {
    return transact(deletedEndpoint(table, tenantId, id), records);
  }

  /** The write of a new endpoint, whose id must be free (the catalog's apply joins it too). */
  static TransactWriteItem newEndpoint(String table, String tenantId, WebhookEndpoint endpoint) {
    return CatalogWrites.putNew(table, WebhookItems.item(tenantId, endpoint));
  }

  /** The write of an endpoint's new state, if it is unchanged since {@code expectedUpdatedAt}. */
  static TransactWriteItem changedEndpoint(
      String table, String tenantId, WebhookEndpoint endpoint, Instant expectedUpdatedAt) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(WebhookItems.item(tenantId, endpoint))
                    .conditionExpression("attribute_exists(#pk) AND #updated = :expected")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#updated", "updated_at"))
                    .expressionAttributeValues(Map.of(":expected", instant(expectedUpdatedAt))))
        .build();
  }

  /** The delete of an endpoint that must exist. */
  static TransactWriteItem deletedEndpoint(String table, String tenantId, String id) {
    return CatalogWrites.deleteExisting(table, tenantId, Keys.ENDPOINT + id);
  }

  @Override
  public Created createDelivery(String tenantId, Delivery delivery) {
    Map<String, AttributeValue> item = WebhookItems.item(tenantId, delivery);
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", Keys.PK))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new Created(delivery, true);
    } catch (ConditionalCheckFailedException e) {
      return new Created(WebhookItems.delivery(e.item()), false);
    }
  }

  @Override
  public Delivery dispatchDelivery(String tenantId, Delivery delivery, ChangeRecords records) {
    Delivery dispatched =
        new Delivery(
            delivery.id(),
            delivery.endpointId(),
            delivery.eventId(),
            delivery.eventType(),
            delivery.payload(),
            delivery.status(),
            delivery.attempts(),
            delivery.lastResponseCode(),
            delivery.lastLatencyMs(),
            delivery.lastError(),
            delivery.generation(),
            true,
            delivery.createdAt(),
            delivery.updatedAt());
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(WebhookItems.item(tenantId, dispatched))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK)))
            .build());
    writes.add(changes.dispatch(dispatched.ticket(tenantId), dispatched.createdAt()));
    writes.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
    } catch (TransactionCanceledException e) {
      if (ChangeItems.refusedAt(e, 0)) {
        throw new ConflictException("id", "delivery '" + delivery.id() + "' already exists");
      }
      throw e;
    }
    return dispatched;
  }

  @Override
  public Optional<Delivery> findDelivery(String tenantId, String endpointId, String deliveryId) {
    return items.get(tenantId, Keys.delivery(endpointId, deliveryId)).map(WebhookItems::delivery);
  }

  @Override
  public Page<Delivery> deliveries(String tenantId, String endpointId, PageRequest page) {
    return items.page(tenantId, Keys.deliveries(endpointId), page, false, WebhookItems::delivery);
  }

  @Override
  public void markEnqueued(String tenantId, Delivery delivery) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(
                      TenantItems.key(
                          tenantId, Keys.delivery(delivery.endpointId(), delivery.id())))
                  .updateExpression("SET #enqueued = :true")
                  .conditionExpression("#generation = :generation")
                  .expressionAttributeNames(
                      Map.of("#enqueued", "enqueued", "#generation", "generation"))
                  .expressionAttributeValues(
                      Map.of(
                          ":true",
                          AttributeValue.fromBool(true),
                          ":generation",
                          n(delivery.generation()))));
    } catch (ConditionalCheckFailedException e) {
      // A redelivery started a newer round meanwhile; it marks its own.
    }
  }

  @Override
  public boolean recordAttempt(
      String tenantId,
      DeliveryTicket ticket,
      AttemptResult result,
      DeliveryStatus status,
      Instant at) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":status", s(status.name()));
    values.put(":pending", s(DeliveryStatus.PENDING.name()));
    values.put(":latency", n(result.latencyMs()));
    values.put(":at", instant(at));
    values.put(":one", n(1));
    values.put(":generation", n(ticket.generation()));
    StringBuilder set =
        new StringBuilder("SET #status = :status, last_latency_ms = :latency, updated_at = :at");
    StringBuilder remove = new StringBuilder();
    if (result.responseCode() != null) {
      set.append(", last_response_code = :code");
      values.put(":code", n(result.responseCode()));
    } else {
      remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("last_response_code");
    }
    if (result.error() != null) {
      set.append(", last_error = :error");
      values.put(":error", s(result.error()));
    } else {
      remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("last_error");
    }
    String update = set + " ADD #attempts :one" + remove;
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(
                      TenantItems.key(
                          ticket.tenantId(),
                          Keys.delivery(ticket.endpointId(), ticket.deliveryId())))
                  .updateExpression(update)
                  .conditionExpression(
                      "attribute_exists(#pk) AND #generation = :generation AND #status = :pending")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk",
                          Keys.PK,
                          "#status",
                          "status",
                          "#generation",
                          "generation",
                          "#attempts",
                          "attempts"))
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The new round, its ticket in the outbox and the change's records: one transaction. */
  @Override
  public Delivery restartDelivery(
      String tenantId, Delivery delivery, Instant at, ChangeRecords records) {
    Delivery restarted =
        new Delivery(
            delivery.id(),
            delivery.endpointId(),
            delivery.eventId(),
            delivery.eventType(),
            delivery.payload(),
            DeliveryStatus.PENDING,
            delivery.attempts(),
            delivery.lastResponseCode(),
            delivery.lastLatencyMs(),
            delivery.lastError(),
            delivery.generation() + 1,
            true,
            delivery.createdAt(),
            at);
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .update(
                u ->
                    u.tableName(table)
                        .key(
                            TenantItems.key(
                                tenantId, Keys.delivery(delivery.endpointId(), delivery.id())))
                        .updateExpression(
                            "SET #status = :pending, #generation = :next, #enqueued = :true, updated_at = :at,"
                                + " expires_at = :expires")
                        .conditionExpression(
                            "attribute_exists(#pk) AND #generation = :generation AND #status <> :pending")
                        .expressionAttributeNames(
                            Map.of(
                                "#pk",
                                Keys.PK,
                                "#status",
                                "status",
                                "#generation",
                                "generation",
                                "#enqueued",
                                "enqueued"))
                        .expressionAttributeValues(
                            Map.of(
                                ":pending",
                                s(DeliveryStatus.PENDING.name()),
                                ":next",
                                n(restarted.generation()),
                                ":true",
                                AttributeValue.fromBool(true),
                                ":at",
                                instant(at),
                                ":expires",
                                WebhookItems.expiry(at),
                                ":generation",
                                n(delivery.generation()))))
            .build());
    writes.add(changes.dispatch(restarted.ticket(tenantId), at));
    writes.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
    } catch (TransactionCanceledException e) {
      if (ChangeItems.refusedAt(e, 0)) {
        throw new ConflictException(
            null, "delivery '" + delivery.id() + "' is being delivered again already");
      }
      throw e;
    }
    return restarted;
  }
}
