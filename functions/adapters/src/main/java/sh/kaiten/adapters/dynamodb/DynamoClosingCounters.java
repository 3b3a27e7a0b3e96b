package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.closing.CounterItem;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The counters filed for their close, on the Usage table: the counter writes note each item in the
 * sparse index {@link Keys#USAGE_BY_CLOSING} (see {@link DynamoUsageCounters}), and an item leaves
 * it when its period was announced. The index finds the periods; their totals are read from the
 * table itself, consistently, so a shard written moments before the period became final is not
 * missed.
 */
public final class DynamoClosingCounters implements ClosingCounters {
  private record Filed(String closesAt, CounterKey counter) {}

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoClosingCounters(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** One {@code Query} per index partition, each reading at most {@code limit} items. */
  @Override
  public List<CounterKey> due(Instant until, int limit) {
    List<Filed> filed = new ArrayList<>();
    for (int bucket = 0; bucket < Keys.CLOSING_BUCKETS; bucket++) {
      AttributeValue partition = n(bucket);
      dynamo
          .query(
              r ->
                  r.tableName(table)
                      .indexName(Keys.USAGE_BY_CLOSING)
                      .keyConditionExpression("#bucket = :bucket AND #closes <= :until")
                      .expressionAttributeNames(
                          Map.of("#bucket", Keys.CLOSING_BUCKET, "#closes", Keys.CLOSES_AT))
                      .expressionAttributeValues(
                          Map.of(":bucket", partition, ":until", s(Keys.closingUntil(until))))
                      .limit(limit))
          .items()
          .forEach(
              item ->
                  filed.add(
                      new Filed(
                          item.get(Keys.CLOSES_AT).s(),
                          Keys.counter(item.get(Keys.PK).s(), item.get(Keys.SK).s()))));
    }
    return filed.stream()
        .sorted(Comparator.comparing(Filed::closesAt))
        .map(Filed::counter)
        .distinct()
        .limit(limit)
        .toList();
  }

  @Override
  public List<CounterItem> items(CounterKey counter) {
    List<Map<String, AttributeValue>> found =
        dynamo
            .queryPaginator(
                r ->
                    r.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :period)")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                        .expressionAttributeValues(
                            Map.of(
                                ":pk",
                                s(Keys.counter(counter)),
                                ":period",
                                s(Keys.period(counter)))))
            .items()
            .stream()
            .toList();
    // Every write of the period notes these; an item written before they were noted takes them from
    // its shards.
    Map<String, AttributeValue> noted =
        found.stream()
            .filter(item -> item.containsKey(CounterItems.AGGREGATION))
            .findFirst()
            .orElse(null);
    if (noted == null) {
      return List.of();
    }
    Aggregation aggregation =
        Aggregation.valueOf(Attributes.string(noted, CounterItems.AGGREGATION));
    Period period =
        new Period(
            Instant.parse(counter.period()), Attributes.instant(noted, CounterItems.PERIOD_END));
    return found.stream()
        .map(
            item ->
                new CounterItem(
                    counter,
                    Keys.shardOf(item.get(Keys.SK).s()),
                    aggregation,
                    period,
                    Attributes.decimal(item, CounterItems.LIMIT),
                    CounterItems.tally(aggregation, item)))
        .toList();
  }

  @Override
  public void done(CounterItem item) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(CounterItems.key(item.counter(), item.shard()))
                .updateExpression("REMOVE #bucket, #closes")
                .expressionAttributeNames(
                    Map.of("#bucket", Keys.CLOSING_BUCKET, "#closes", Keys.CLOSES_AT)));
  }
}
