package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.UsageCounters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Atomic counters on the Usage table: one {@code UpdateItem ... ADD} per report. A ceiling becomes
 * a condition DynamoDB checks in the same write, so concurrent reports can never pass a HARD limit
 * together; a refused write hands back the item as it stands, so a refusal costs no extra read.
 */
public final class DynamoUsageCounters implements UsageCounters {
  static final String TOTAL = "total";
  static final String REPORTS = "reports";
  private static final int BATCH_LIMIT = 100;

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoUsageCounters(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public CounterUpdate add(CounterKey key, BigDecimal amount, BigDecimal ceiling) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":amount", n(amount));
    values.put(":one", n(1));
    UpdateItemRequest.Builder request = UpdateItemRequest.builder()
        .tableName(table)
        .key(key(key))
        .updateExpression("ADD #total :amount, #reports :one")
        .returnValues(ReturnValue.UPDATED_NEW);
    Map<String, String> names = new HashMap<>(Map.of("#total", TOTAL, "#reports", REPORTS));
    if (ceiling != null) {
      // total + amount <= ceiling, written as total <= ceiling - amount so DynamoDB can evaluate it.
      values.put(":room", n(ceiling.subtract(amount)));
      request.conditionExpression("attribute_not_exists(#total) OR #total <= :room")
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    }
    request.expressionAttributeNames(names).expressionAttributeValues(values);
    try {
      Map<String, AttributeValue> updated = dynamo.updateItem(request.build()).attributes();
      return new CounterUpdate.Counted(new BigDecimal(updated.get(TOTAL).n()));
    } catch (ConditionalCheckFailedException refused) {
      return new CounterUpdate.Refused(total(refused.item()));
    }
  }

  @Override
  public BigDecimal total(CounterKey key) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(key)).consistentRead(true));
    return total(response.item());
  }

  /** BatchGetItem, 100 keys a request (DynamoDB's limit), retrying what it leaves unprocessed. */
  @Override
  public Map<CounterKey, BigDecimal> totals(Collection<CounterKey> keys) {
    Map<CounterKey, BigDecimal> totals = new HashMap<>();
    Map<Map<String, AttributeValue>, CounterKey> byItemKey = new HashMap<>();
    keys.forEach(key -> {
      byItemKey.put(key(key), key);
      totals.put(key, BigDecimal.ZERO);
    });
    List<Map<String, AttributeValue>> pending = new ArrayList<>(byItemKey.keySet());
    for (int from = 0; from < pending.size(); from += BATCH_LIMIT) {
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(pending.subList(from, Math.min(from + BATCH_LIMIT, pending.size())))
              .consistentRead(true).build());
      while (!request.isEmpty()) {
        BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
        response.responses().getOrDefault(table, List.of()).forEach(item -> totals.put(
            byItemKey.get(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK))), total(item)));
        request = response.unprocessedKeys();
      }
    }
    return totals;
  }

  private static BigDecimal total(Map<String, AttributeValue> item) {
    AttributeValue total = item == null ? null : item.get(TOTAL);
    return total == null ? BigDecimal.ZERO : new BigDecimal(total.n());
  }

  private static Map<String, AttributeValue> key(CounterKey key) {
    return Map.of(Keys.PK, s(Keys.counter(key)), Keys.SK, s(Keys.period(key)));
  }
}
