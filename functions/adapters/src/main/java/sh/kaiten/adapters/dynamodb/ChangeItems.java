package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsEvents;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The writes a change carries into its transaction: one outbox item per event (the Outbox table's
 * stream publishes it to the events queue), one per part of a usage write (for the billing queue)
 * and one audit record per entry, each put only if new; and for a webhook delivery round started by
 * a request, its ticket's outbox item (for the deliveries queue).
 *
 * <p>An outbox item is the event's queue message as it will be sent, keyed by the event's id. It
 * expires after {@link #KEPT}: the stream hands it over within seconds and keeps it 24 hours, and a
 * batch that failed for good reaches the on-failure destination only as stream positions, so the
 * item stays long enough after that for an operator to publish it again from the table.
 */
public final class ChangeItems {
  /** How long an outbox item is kept after it was written (DynamoDB TTL). */
  public static final Duration KEPT = Duration.ofDays(7);

  /** The event as its queue message ({@link SqsEvents#toJson}). */
  public static final String MESSAGE = "message";

  /** Which queue an item's message is for: {@link #DELIVERIES}, or absent for the events queue. */
  public static final String QUEUE = "queue";

  /**
   * The deliveries queue, whose messages are delivery tickets ({@link SqsDeliveryQueue#toJson}).
   */
  public static final String DELIVERIES = "deliveries";

  /** The billing queue, whose messages are what a write counted ({@link SqsUsageStream#toJson}). */
  public static final String BILLING = "billing";

  private static final String NEW = "attribute_not_exists(#pk)";
  private static final Map<String, String> PK_NAME = Map.of("#pk", Keys.PK);

  private final String outboxTable;
  private final String auditTable;

  /**
   * @param outboxTable null for a function that writes no change (then a change with events fails)
   */
  public ChangeItems(String outboxTable, String auditTable) {
    this.outboxTable = outboxTable;
    this.auditTable = auditTable;
  }

  public List<TransactWriteItem> of(ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>();
    for (Event event : records.events()) {
      if (outboxTable == null) {
        throw new IllegalStateException(
            "KAITEN_TABLE_OUTBOX is not set for this function: it cannot announce changes");
      }
      writes.add(
          TransactWriteItem.builder()
              .put(
                  p ->
                      p.tableName(outboxTable)
                          .item(item(event))
                          .conditionExpression(NEW)
                          .expressionAttributeNames(PK_NAME))
              .build());
    }
    for (AcceptedUsage usage : records.usage()) {
      if (outboxTable == null) {
        throw new IllegalStateException(
            "KAITEN_TABLE_OUTBOX is not set for this function: it cannot stream usage to billing");
      }
      writes.add(
          TransactWriteItem.builder()
              .put(
                  p ->
                      p.tableName(outboxTable)
                          .item(item(usage, records))
                          .conditionExpression(NEW)
                          .expressionAttributeNames(PK_NAME))
              .build());
    }
    records
        .audit()
        .forEach(
            record ->
                writes.add(
                    TransactWriteItem.builder()
                        .put(
                            p ->
                                p.tableName(auditTable)
                                    .item(DynamoAuditLog.item(record))
                                    .conditionExpression(NEW)
                                    .expressionAttributeNames(PK_NAME))
                        .build()));
    return writes;
  }

  /**
   * The outbox item of a delivery round, whose stream puts its ticket on the deliveries queue; put
   * only if new.
   */
  TransactWriteItem dispatch(DeliveryTicket ticket, Instant at) {
    if (outboxTable == null) {
      throw new IllegalStateException(
          "KAITEN_TABLE_OUTBOX is not set for this function: it cannot dispatch deliveries");
    }
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.PK, s(Keys.outboxDelivery(ticket.deliveryId(), ticket.generation())));
    item.put("tenant_id", s(ticket.tenantId()));
    item.put("type", s("webhook.delivery"));
    item.put(QUEUE, s(DELIVERIES));
    item.put(MESSAGE, s(SqsDeliveryQueue.toJson(ticket)));
    item.put("expires_at", n(at.plus(KEPT).getEpochSecond()));
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(outboxTable)
                    .item(item)
                    .conditionExpression(NEW)
                    .expressionAttributeNames(PK_NAME))
        .build();
  }

  /**
   * The outbox item of what a write counted, for the billing queue; it expires {@link #KEPT} after
   * the write (its audit record's time; without one, its latest report's).
   */
  private static Map<String, AttributeValue> item(AcceptedUsage usage, ChangeRecords records) {
    Instant at =
        records.audit().stream()
            .map(AuditRecord::at)
            .findFirst()
            .orElseGet(
                () ->
                    usage.reports().stream()
                        .map(AcceptedReport::reportedAt)
                        .max(Instant::compareTo)
                        .orElse(Instant.EPOCH));
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.PK, s(Keys.outboxUsage(usage.id())));
    item.put("tenant_id", s(usage.tenantId()));
    item.put("type", s("usage.counted"));
    item.put(QUEUE, s(BILLING));
    item.put(MESSAGE, s(SqsUsageStream.toJson(usage)));
    item.put("expires_at", n(at.plus(KEPT).getEpochSecond()));
    return item;
  }

  /**
   * Writes {@code writes} in one transaction whose first write is the conditional one that decides
   * (a marker put once).
   *
   * @return true when written; false when that first condition failed (nothing was written)
   */
  static boolean writeUnlessFirstRefused(DynamoDbClient dynamo, List<TransactWriteItem> writes) {
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      if (refusedAt(e, 0)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * True when the transaction was refused because the condition of its write at {@code index}
   * failed.
   */
  static boolean refusedAt(TransactionCanceledException e, int index) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().size() > index
        && "ConditionalCheckFailed".equals(e.cancellationReasons().get(index).code());
  }

  /**
   * The outbox item of an event: its id as key, its queue message, its tenant and type for people
   * looking.
   */
  static Map<String, AttributeValue> item(Event event) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.PK, s(Keys.outboxEvent(event.id())));
    item.put("event_id", s(event.id()));
    item.put("tenant_id", s(event.tenantId()));
    item.put("type", s(event.type().wireName()));
    item.put(MESSAGE, s(SqsEvents.toJson(event)));
    item.put("expires_at", n(event.createdAt().plus(KEPT).getEpochSecond()));
    return item;
  }
}
