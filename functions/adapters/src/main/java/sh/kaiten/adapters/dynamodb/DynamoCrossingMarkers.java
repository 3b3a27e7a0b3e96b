package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Crossing markers on the Usage table, beside their counter. One conditional {@code PutItem}
 * ({@code attribute_not_exists}) decides which delivery owns a crossing; a refused put hands back
 * the marker that won, so learning about it costs no extra read.
 */
public final class DynamoCrossingMarkers implements CrossingMarkers {
  private static final String EVENT_ID = "event_id";
  private static final String MARKED_AT = "marked_at";
  private static final String PUBLISHED = "published";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoCrossingMarkers(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public EventMarker mark(CounterKey counter, String alert, String eventId, Instant now) {
    try {
      dynamo.putItem(r -> r.tableName(table)
          .item(Map.of(
              Keys.PK, s(Keys.counter(counter)),
              Keys.SK, s(Keys.crossing(counter, alert)),
              EVENT_ID, s(eventId),
              MARKED_AT, instant(now),
              PUBLISHED, AttributeValue.fromBool(false)))
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", Keys.PK))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new EventMarker(eventId, now, true, false);
    } catch (ConditionalCheckFailedException existing) {
      Map<String, AttributeValue> item = existing.item();
      return new EventMarker(item.get(EVENT_ID).s(), Instant.parse(item.get(MARKED_AT).s()), false,
          item.get(PUBLISHED).bool());
    }
  }

  @Override
  public void published(CounterKey counter, String alert) {
    dynamo.updateItem(r -> r.tableName(table)
        .key(Map.of(Keys.PK, s(Keys.counter(counter)), Keys.SK, s(Keys.crossing(counter, alert))))
        .updateExpression("SET #published = :true")
        .expressionAttributeNames(Map.of("#published", PUBLISHED))
        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
  }
}
