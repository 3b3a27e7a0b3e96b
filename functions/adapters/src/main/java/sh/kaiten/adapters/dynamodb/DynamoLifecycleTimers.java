package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LifecycleMoment;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * License timers on the Catalog table, one partition per due day (written with their license, see
 * {@link DynamoLicenses#createLicense}). A timer fires in one TransactWriteItems: an update that
 * marks it done with its event's id, on condition it was not done, and the event's outbox item; so
 * the event is on its way exactly when the timer is done.
 */
public final class DynamoLifecycleTimers implements LifecycleTimers {
  private static final String TENANT_ID = "tenant_id";
  private static final String LICENSE_ID = "license_id";
  private static final String MOMENT = "moment";
  private static final String DUE_AT = "due_at";
  private static final String LICENSE_DATE = "license_date";
  private static final String EVENT_ID = "event_id";
  private static final String MARKED_AT = "marked_at";
  private static final String DONE = "done";

  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  public DynamoLifecycleTimers(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  static Map<String, AttributeValue> item(LifecycleTimer timer) {
    Map<String, AttributeValue> item = new HashMap<>(key(timer));
    item.put(TENANT_ID, s(timer.tenantId()));
    item.put(LICENSE_ID, s(timer.licenseId()));
    item.put(MOMENT, s(timer.moment().name()));
    item.put(DUE_AT, instant(timer.dueAt()));
    item.put(LICENSE_DATE, instant(timer.licenseDate()));
    item.put(DONE, AttributeValue.fromBool(false));
    return item;
  }

  @Override
  public List<LifecycleTimer> due(LocalDate day, Instant until) {
    return dynamo
        .queryPaginator(
            r ->
                r.tableName(table)
                    .keyConditionExpression("#pk = :day AND #sk <= :until")
                    .filterExpression("#done = :false")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK, "#done", DONE))
                    .expressionAttributeValues(
                        Map.of(
                            ":day",
                            s(Keys.timerDay(day)),
                            ":until",
                            s(Keys.timersUntil(until)),
                            ":false",
                            AttributeValue.fromBool(false)))
                    .consistentRead(true))
        .items()
        .stream()
        .map(DynamoLifecycleTimers::timer)
        .toList();
  }

  @Override
  public boolean fire(LifecycleTimer timer, Event event) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .update(
                u ->
                    u.tableName(table)
                        .key(key(timer))
                        .updateExpression("SET #done = :true, #event = :event, #marked = :now")
                        .conditionExpression("attribute_exists(#pk) AND #done = :false")
                        .expressionAttributeNames(
                            Map.of(
                                "#pk", Keys.PK, "#done", DONE, "#event", EVENT_ID, "#marked",
                                MARKED_AT))
                        .expressionAttributeValues(
                            Map.of(
                                ":true",
                                AttributeValue.fromBool(true),
                                ":false",
                                AttributeValue.fromBool(false),
                                ":event",
                                s(event.id()),
                                ":now",
                                instant(event.createdAt()))))
            .build());
    writes.addAll(changes.of(new ChangeRecords(List.of(event), List.of())));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      if (ChangeItems.refusedAt(e, 0)) {
        return false; // done by another run, or gone with its license
      }
      throw e;
    }
  }

  @Override
  public void done(LifecycleTimer timer) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(timer))
                .updateExpression("SET #done = :true")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#done", DONE))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
  }

  private static Map<String, AttributeValue> key(LifecycleTimer timer) {
    return Map.of(Keys.PK, s(Keys.timerDay(timer.dueAt())), Keys.SK, s(Keys.timer(timer)));
  }

  private static LifecycleTimer timer(Map<String, AttributeValue> item) {
    return new LifecycleTimer(
        item.get(TENANT_ID).s(),
        item.get(LICENSE_ID).s(),
        LifecycleMoment.valueOf(item.get(MOMENT).s()),
        Instant.parse(item.get(DUE_AT).s()),
        Instant.parse(item.get(LICENSE_DATE).s()));
  }
}
