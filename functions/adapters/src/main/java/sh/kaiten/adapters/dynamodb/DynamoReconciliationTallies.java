package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.billing.CountedUsage;
import sh.kaiten.domain.billing.ReconciliationTallies;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A reconciliation run's tallies on the Usage table: an item per customer and entitlement ({@link
 * Keys#reconciliationRun}, {@link Keys#reconciliationTally}) whose total a page adds to with one
 * conditional UpdateItem (ADD), unless the item has had that page or a later one; expired by TTL.
 */
public final class DynamoReconciliationTallies implements ReconciliationTallies {
  private static final String TOTAL = "total";
  private static final String PAGE = "page";

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

  @Override
  public BigDecimal total(String tenantId, String runId, CountedUsage.Key pair) {
    var response =
        dynamo.getItem(
            r -> r.tableName(table).key(key(tenantId, runId, pair)).consistentRead(true));
    BigDecimal total = response.hasItem() ? Attributes.decimal(response.item(), TOTAL) : null;
    return total == null ? BigDecimal.ZERO : total;
  }
}
