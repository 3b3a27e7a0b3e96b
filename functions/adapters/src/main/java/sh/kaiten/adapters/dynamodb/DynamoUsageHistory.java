package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageHistory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A counter's periods, read with {@code Query} on its partition of the Usage table: the items whose
 * sort key is {@code PERIOD#{period}}, and the shards beside it ({@code PERIOD#{period}#S{n}}),
 * merged into one tally per period. Crossing markers share the partition and are left out by the
 * key condition.
 *
 * <p>Sort keys order as strings, and an instant with a fraction of a second sorts before the same
 * second without one ({@code .} before {@code Z}), so the key condition is a bound widened to whole
 * seconds and the exact [from, to) filter is applied to each period's start here.
 */
public final class DynamoUsageHistory implements UsageHistory {
  /** Sorts after every character of a period key, a shard suffix included. */
  private static final String HIGH = "~";

  /** Sorts after every digit and before {@code lifetime}: the end of the dated periods. */
  private static final String DATED_END = "a";

  private static final DateTimeFormatter WHOLE_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoUsageHistory(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * One {@code Query} of up to {@code limit + 1} items; more only when shards take room (a sharded
   * period is several items), until the period after the last one listed is seen or the range ends.
   */
  @Override
  public Slice periods(
      String tenantId,
      String entitlement,
      String holder,
      Aggregation aggregation,
      Instant from,
      Instant to,
      String after,
      int limit) {
    CounterKey counter = new CounterKey(tenantId, entitlement, holder, "");
    String prefix = Keys.period(counter);
    String low = prefix + (from == null ? "" : WHOLE_SECONDS.format(from));
    if (after != null && (prefix + after + Keys.SHARD + HIGH).compareTo(low) > 0) {
      low = prefix + after + Keys.SHARD + HIGH;
    }
    String high =
        from == null && to == null
            ? prefix + HIGH
            : to == null ? prefix + DATED_END : prefix + WHOLE_SECONDS.format(to) + HIGH;
    if (low.compareTo(high) > 0) {
      return new Slice(List.of(), false);
    }
    Map<String, Tally> periods = new LinkedHashMap<>();
    QueryRequest.Builder request =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk AND #sk BETWEEN :low AND :high")
            .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
            .expressionAttributeValues(
                Map.of(":pk", s(Keys.counter(counter)), ":low", s(low), ":high", s(high)))
            .limit(limit + 1);
    Map<String, AttributeValue> start = null;
    do {
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      QueryResponse response = dynamo.query(request.build());
      for (Map<String, AttributeValue> item : response.items()) {
        String period = Keys.periodOf(item.get(Keys.SK).s());
        if (within(period, from, to)) {
          periods.merge(period, CounterItems.tally(aggregation, item), Tally::merge);
        }
      }
      start =
          response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
              ? response.lastEvaluatedKey()
              : null;
    } while (start != null && periods.size() <= limit);
    List<PeriodTally> listed = new ArrayList<>();
    periods.forEach((period, tally) -> listed.add(new PeriodTally(period, tally)));
    boolean more = listed.size() > limit;
    return new Slice(more ? listed.subList(0, limit) : listed, more);
  }

  private static boolean within(String period, Instant from, Instant to) {
    if (Period.LIFETIME.key().equals(period)) {
      return from == null && to == null;
    }
    Instant start = Instant.parse(period);
    return (from == null || !start.isBefore(from)) && (to == null || start.isBefore(to));
  }
}
