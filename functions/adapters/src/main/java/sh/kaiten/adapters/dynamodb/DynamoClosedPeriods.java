package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.closing.ClosedPeriod;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Closed periods on the Usage table, a tenant's in one partition ({@link Keys#closedPeriods}),
 * sorted by period end ({@link Keys#closedPeriod}): a plain PutItem of figures that are final, so a
 * close recorded again writes the same item; expired by TTL {@link ClosedPeriods#KEPT} after the
 * period's end.
 */
public final class DynamoClosedPeriods implements ClosedPeriods {
  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoClosedPeriods(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void record(ClosedPeriod closed) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.PK, s(Keys.closedPeriods(closed.tenantId())));
    item.put(
        Keys.SK, s(Keys.closedPeriod(closed.periodEnd(), closed.entitlement(), closed.holder())));
    item.put("holder", s(closed.holder()));
    item.put("entitlement", s(closed.entitlement()));
    item.put("aggregation", s(closed.aggregation().name()));
    item.put("period_start", Attributes.instant(closed.periodStart()));
    item.put("period_end", Attributes.instant(closed.periodEnd()));
    item.put("usage", n(closed.usage()));
    item.put("expires_at", n(closed.periodEnd().plus(KEPT).getEpochSecond()));
    dynamo.putItem(r -> r.tableName(table).item(item));
  }

  @Override
  public Page<ClosedPeriod> endingIn(String tenantId, Instant from, Instant to, PageRequest page) {
    String pk = Keys.closedPeriods(tenantId);
    QueryRequest.Builder query =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
            .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
            .expressionAttributeValues(
                Map.of(
                    ":pk",
                    s(pk),
                    ":from",
                    s(Keys.closedFrom(from)),
                    ":to",
                    s(Keys.closedBefore(to))))
            .consistentRead(true);
    return Cursors.page(
        dynamo,
        query,
        pk,
        "",
        page,
        item ->
            new ClosedPeriod(
                tenantId,
                Attributes.string(item, "holder"),
                Attributes.string(item, "entitlement"),
                Aggregation.valueOf(Attributes.string(item, "aggregation")),
                Attributes.instant(item, "period_start"),
                Attributes.instant(item, "period_end"),
                Attributes.decimal(item, "usage")));
  }
}
