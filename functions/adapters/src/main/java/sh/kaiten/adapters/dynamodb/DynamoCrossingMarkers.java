package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Crossing markers on the Usage table, beside their counter. One TransactWriteItems puts the marker
 * ({@code attribute_not_exists}: it decides which delivery owns a crossing) and the event's outbox
 * item, so the event is on its way exactly when the marker exists. A marker an earlier version left
 * unpublished ({@code published = false}: it published after marking, and may have died in between)
 * is fired again.
 */
public final class DynamoCrossingMarkers implements CrossingMarkers {
  private static final String EVENT_ID = "event_id";
  private static final String MARKED_AT = "marked_at";
  private static final String PUBLISHED = "published";

  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  public DynamoCrossingMarkers(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  @Override
  public boolean fire(CounterKey counter, String alert, Event event) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(
                            Map.of(
                                Keys.PK,
                                s(Keys.counter(counter)),
                                Keys.SK,
                                s(Keys.crossing(counter, alert)),
                                EVENT_ID,
                                s(event.id()),
                                MARKED_AT,
                                instant(event.createdAt()),
                                PUBLISHED,
                                AttributeValue.fromBool(true)))
                        .conditionExpression("attribute_not_exists(#pk) OR #published = :false")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#published", PUBLISHED))
                        .expressionAttributeValues(
                            Map.of(":false", AttributeValue.fromBool(false))))
            .build());
    writes.addAll(changes.of(new ChangeRecords(List.of(event), List.of())));
    return ChangeItems.writeUnlessFirstRefused(dynamo, writes);
  }
}
