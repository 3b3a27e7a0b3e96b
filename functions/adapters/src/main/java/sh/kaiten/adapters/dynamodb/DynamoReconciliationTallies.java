package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.billing.CountedUsage;
import sh.kaiten.domain.billing.ReconciliationTallies;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A reconciliation run's tallies on the Usage table: an item per customer and entitlement ({@link
 * Keys#reconciliationRun}, {@link Keys#reconciliationTally}) whose total a page adds to with one
 * conditional UpdateItem (ADD), unless the item has had that page or a later one; and one per
 * customer and {@code last} meter ({@link Keys#reconciliationLast}) holding the latest event, which
 * an event of a later second replaces with one conditional UpdateItem, and one of the same second
 * merges into with another, conditioned on the item read (retried if it moved); expired by TTL.
 */
public final class DynamoReconciliationTallies implements ReconciliationTallies {
  private static final String TOTAL = "total";
  private static final String PAGE = "page";
  private static final String SECOND = "second";
  private static final String VALUE = "value";
  private static final String TIED = "tied";

  /** Merges of one second that met another's first, before giving up (steps do not race). */
  private static final int MERGE_TRIES = 5;

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoReconciliationTallies(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(
      String tenantId, String runId, CountedUsage.Key pair) {
    return Map.of(
        Keys.PK,
        s(Keys.reconciliationRun(tenantId, runId)),
        Keys.SK,
        s(Keys.reconciliationTally(pair.entitlement(), pair.customerId())));
  }

  @Override
  public void add(
      String tenantId,
      String runId,
      int page,
      Map<CountedUsage.Key, BigDecimal> totals,
      Instant keepUntil) {
    totals.forEach(
        (pair, amount) -> {
          try {
            dynamo.updateItem(
                r ->
                    r.tableName(table)
                        .key(key(tenantId, runId, pair))
                        .updateExpression(
                            "ADD #total :amount SET #page = :page, #expires = :expires")
                        .conditionExpression("attribute_not_exists(#page) OR #page < :page")
                        .expressionAttributeNames(
                            Map.of("#total", TOTAL, "#page", PAGE, "#expires", "expires_at"))
                        .expressionAttributeValues(
                            Map.of(
                                ":amount",
                                n(amount),
                                ":page",
                                n(page),
                                ":expires",
                                n(keepUntil.getEpochSecond()))));
          } catch (ConditionalCheckFailedException added) {
            // this page (a redelivered step) or a later one was added to the pair: nothing to add
          }
        });
  }

  private static Map<String, AttributeValue> lastKey(
      String tenantId, String runId, CountedUsage.Key pair) {
    return Map.of(
        Keys.PK,
        s(Keys.reconciliationRun(tenantId, runId)),
        Keys.SK,
        s(Keys.reconciliationLast(pair.entitlement(), pair.customerId())));
  }

  @Override
  public void merge(
      String tenantId, String runId, Map<CountedUsage.Key, LastEvent> latest, Instant keepUntil) {
    latest.forEach((pair, event) -> merge(lastKey(tenantId, runId, pair), event, keepUntil));
  }

  private void merge(Map<String, AttributeValue> key, LastEvent event, Instant keepUntil) {
    for (int tries = 0; tries < MERGE_TRIES; tries++) {
      Map<String, AttributeValue> before;
      try {
        dynamo.updateItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .updateExpression(
                        "SET #second = :second, #value = :value, #tied = :tied,"
                            + " #expires = :expires")
                    .conditionExpression("attribute_not_exists(#second) OR #second < :second")
                    .expressionAttributeNames(
                        Map.of(
                            "#second",
                            SECOND,
                            "#value",
                            VALUE,
                            "#tied",
                            TIED,
                            "#expires",
                            "expires_at"))
                    .expressionAttributeValues(
                        Map.of(
                            ":second",
                            n(event.second().getEpochSecond()),
                            ":value",
                            n(event.value()),
                            ":tied",
                            AttributeValue.fromBool(event.tied()),
                            ":expires",
                            n(keepUntil.getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD));
        return; // the pair's first event, or a later second's
      } catch (ConditionalCheckFailedException notLater) {
        before = notLater.item();
      }
      LastEvent kept = lastEvent(before);
      LastEvent merged = kept.latest(event);
      if (merged.equals(kept)) {
        return; // an earlier second's, or one the item holds already
      }
      try {
        dynamo.updateItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .updateExpression("SET #value = :value, #tied = :tied")
                    .conditionExpression(
                        "#second = :second AND #value = :kept AND #tied = :keptTied")
                    .expressionAttributeNames(
                        Map.of("#second", SECOND, "#value", VALUE, "#tied", TIED))
                    .expressionAttributeValues(
                        Map.of(
                            ":second",
                            n(kept.second().getEpochSecond()),
                            ":kept",
                            n(kept.value()),
                            ":keptTied",
                            AttributeValue.fromBool(kept.tied()),
                            ":value",
                            n(merged.value()),
                            ":tied",
                            AttributeValue.fromBool(merged.tied()))));
        return;
      } catch (ConditionalCheckFailedException moved) {
        // another merge came between the read and this write: merge again with what it left
      }
    }
    throw new IllegalStateException(
        "the latest event of " + key.get(Keys.SK).s() + " kept moving: not merged");
  }

  private static LastEvent lastEvent(Map<String, AttributeValue> item) {
    return new LastEvent(
        Instant.ofEpochSecond(Long.parseLong(item.get(SECOND).n())),
        Long.parseLong(item.get(VALUE).n()),
        item.get(TIED).bool());
  }

  @Override
  public Optional<LastEvent> latest(String tenantId, String runId, CountedUsage.Key pair) {
    var response =
        dynamo.getItem(
            r -> r.tableName(table).key(lastKey(tenantId, runId, pair)).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(lastEvent(response.item()))
        : Optional.empty();
  }

  @Override
  public BigDecimal total(String tenantId, String runId, CountedUsage.Key pair) {
    var response =
        dynamo.getItem(
            r -> r.tableName(table).key(key(tenantId, runId, pair)).consistentRead(true));
    BigDecimal total = response.hasItem() ? Attributes.decimal(response.item(), TOTAL) : null;
    return total == null ? BigDecimal.ZERO : total;
  }
}
