package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.catalog.Aggregation;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Stripe connectors in the Catalog table, one item per tenant ({@code TENANT#{tenant}}, {@code
 * CONNECTOR#stripe}); its meters a map of entitlement slug to {@code {event_name, scale,
 * aggregation}}. Never the key: that is in Secrets Manager.
 */
public final class DynamoStripeConnectors implements StripeConnectors {
  private static final String METERS = "meters";
  private static final String EVENT_NAME = "event_name";
  private static final String SCALE = "scale";
  private static final String AGGREGATION = "aggregation";
  private static final String CUSTOMER_ID_KEY = "customer_id_key";
  private static final String CREATED_AT = "created_at";
  private static final String UPDATED_AT = "updated_at";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoStripeConnectors(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String tenantId) {
    return Map.of(Keys.PK, s(Keys.tenant(tenantId)), Keys.SK, s(Keys.STRIPE_CONNECTOR));
  }

  @Override
  public Optional<StripeConnector> find(String tenantId) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(tenantId)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    Map<String, MeterMapping> meters = new HashMap<>();
    item.get(METERS)
        .m()
        .forEach(
            (slug, meter) ->
                meters.put(
                    slug,
                    new MeterMapping(
                        slug,
                        meter.m().get(EVENT_NAME).s(),
                        new BigDecimal(meter.m().get(SCALE).n()),
                        Aggregation.valueOf(meter.m().get(AGGREGATION).s()))));
    return Optional.of(
        new StripeConnector(
            tenantId,
            meters,
            Attributes.string(item, CUSTOMER_ID_KEY),
            Attributes.instant(item, CREATED_AT),
            Attributes.instant(item, UPDATED_AT)));
  }

  @Override
  public void put(StripeConnector connector) {
    Map<String, AttributeValue> meters = new HashMap<>();
    connector
        .meters()
        .forEach(
            (slug, meter) ->
                meters.put(
                    slug,
                    AttributeValue.fromM(
                        Map.of(
                            EVENT_NAME,
                            s(meter.eventName()),
                            SCALE,
                            Attributes.n(meter.scale()),
                            AGGREGATION,
                            s(meter.aggregation().name())))));
    Map<String, AttributeValue> item = new HashMap<>(key(connector.tenantId()));
    item.put(METERS, AttributeValue.fromM(meters));
    item.put(CUSTOMER_ID_KEY, s(connector.customerIdKey()));
    item.put(CREATED_AT, instant(connector.createdAt()));
    item.put(UPDATED_AT, instant(connector.updatedAt()));
    dynamo.putItem(r -> r.tableName(table).item(item));
  }

  @Override
  public boolean delete(String tenantId) {
    var response =
        dynamo.deleteItem(
            r ->
                r.tableName(table)
                    .key(key(tenantId))
                    .returnValues(
                        software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD));
    return response.hasAttributes() && !response.attributes().isEmpty();
  }
}
