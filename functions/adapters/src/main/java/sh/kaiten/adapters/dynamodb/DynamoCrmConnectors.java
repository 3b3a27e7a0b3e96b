package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.crm.CrmConnectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * CRM connectors in the Webhooks table, one item per tenant ({@code TENANT#{tenant}}, {@code
 * CONNECTOR#crm}), beside the deliveries of its pushes: the functions that deliver webhooks read it
 * with the grants they have.
 */
public final class DynamoCrmConnectors implements CrmConnectors {
  private static final String URL = "url";
  private static final String SECRET = "secret";
  private static final String DAILY_PUSHED_ON = "daily_pushed_on";
  private static final String CREATED_AT = "created_at";
  private static final String UPDATED_AT = "updated_at";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoCrmConnectors(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String tenantId) {
    return Map.of(Keys.PK, s(Keys.tenant(tenantId)), Keys.SK, s(Keys.CRM_CONNECTOR));
  }

  @Override
  public Optional<CrmConnector> find(String tenantId) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(tenantId)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    String day = Attributes.string(item, DAILY_PUSHED_ON);
    return Optional.of(
        new CrmConnector(
            tenantId,
            Attributes.string(item, URL),
            Attributes.string(item, SECRET),
            day == null ? null : LocalDate.parse(day),
            Attributes.instant(item, CREATED_AT),
            Attributes.instant(item, UPDATED_AT)));
  }

  @Override
  public void put(CrmConnector connector) {
    Map<String, AttributeValue> item = new HashMap<>(key(connector.tenantId()));
    item.put(URL, s(connector.url()));
    item.put(SECRET, s(connector.secret()));
    if (connector.dailyPushedOn() != null) {
      item.put(DAILY_PUSHED_ON, s(connector.dailyPushedOn().toString()));
    }
    item.put(CREATED_AT, instant(connector.createdAt()));
    item.put(UPDATED_AT, instant(connector.updatedAt()));
    dynamo.putItem(r -> r.tableName(table).item(item));
  }

  @Override
  public boolean delete(String tenantId) {
    var response =
        dynamo.deleteItem(
            r -> r.tableName(table).key(key(tenantId)).returnValues(ReturnValue.ALL_OLD));
    return response.hasAttributes() && !response.attributes().isEmpty();
  }

  @Override
  public boolean markDailyPushed(String tenantId, LocalDate day) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(tenantId))
                  .updateExpression("SET #day = :day")
                  .conditionExpression("attribute_exists(#pk)")
                  .expressionAttributeNames(Map.of("#day", DAILY_PUSHED_ON, "#pk", Keys.PK))
                  .expressionAttributeValues(Map.of(":day", s(day.toString()))));
      return true;
    } catch (ConditionalCheckFailedException gone) {
      return false;
    }
  }
}
