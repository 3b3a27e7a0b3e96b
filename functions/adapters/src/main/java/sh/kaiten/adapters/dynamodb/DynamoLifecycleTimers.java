package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.lifecycle.LifecycleMoment;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * License timers on the Catalog table, one partition per due day (written with their license, see
 * {@link DynamoCatalogStore#createLicense}). The event marker lives on the timer item: a conditional
 * update sets it once, and a refused one hands back the marker that won.
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

  public DynamoLifecycleTimers(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
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
    return dynamo.queryPaginator(r -> r.tableName(table)
            .keyConditionExpression("#pk = :day AND #sk <= :until")
            .filterExpression("#done = :false")
            .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK, "#done", DONE))
            .expressionAttributeValues(Map.of(":day", s(Keys.timerDay(day)), ":until", s(Keys.timersUntil(until)),
                ":false", AttributeValue.fromBool(false)))
            .consistentRead(true))
        .items().stream().map(DynamoLifecycleTimers::timer).toList();
  }

  @Override
  public EventMarker mark(LifecycleTimer timer, String eventId, Instant now) {
    try {
      dynamo.updateItem(r -> r.tableName(table).key(key(timer))
          .updateExpression("SET #event = :event, #marked = :now")
          .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#event)")
          .expressionAttributeNames(Map.of("#pk", Keys.PK, "#event", EVENT_ID, "#marked", MARKED_AT))
          .expressionAttributeValues(Map.of(":event", s(eventId), ":now", instant(now)))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new EventMarker(eventId, now, true, false);
    } catch (ConditionalCheckFailedException existing) {
      Map<String, AttributeValue> item = existing.item();
      if (item == null || !item.containsKey(EVENT_ID)) {
        throw new IllegalStateException("timer " + Keys.timer(timer) + " is gone");
      }
      return new EventMarker(item.get(EVENT_ID).s(), Instant.parse(item.get(MARKED_AT).s()), false,
          item.get(DONE).bool());
    }
  }

  @Override
  public void done(LifecycleTimer timer) {
    dynamo.updateItem(r -> r.tableName(table).key(key(timer))
        .updateExpression("SET #done = :true")
        .conditionExpression("attribute_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#done", DONE))
        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
  }

  private static Map<String, AttributeValue> key(LifecycleTimer timer) {
    return Map.of(Keys.PK, s(Keys.timerDay(timer.dueAt())), Keys.SK, s(Keys.timer(timer)));
  }

  private static LifecycleTimer timer(Map<String, AttributeValue> item) {
    return new LifecycleTimer(item.get(TENANT_ID).s(), item.get(LICENSE_ID).s(),
        LifecycleMoment.valueOf(item.get(MOMENT).s()), Instant.parse(item.get(DUE_AT).s()),
        Instant.parse(item.get(LICENSE_DATE).s()));
  }
}
