package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeConnectorStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Each tenant's Stripe activity on the Usage table, one item ({@code CONNECTOR_STATUS#{tenant}},
 * {@code stripe}) that billing-sync updates once per message with an {@code ADD} to its tallies: no
 * read before the write, however many messages run at once.
 */
public final class DynamoStripeActivity implements StripeActivity {
  private static final String SENT = "sent";
  private static final String ERRORS = "errors";
  private static final String LAST_SENT_AT = "last_sent_at";
  private static final String LAST_REPORT_SENT_AT = "last_report_sent_at";
  private static final String LAST_REPORT_SEEN_AT = "last_report_seen_at";
  private static final String LAST_ERROR = "last_error";
  private static final String LAST_ERROR_AT = "last_error_at";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoStripeActivity(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String tenantId) {
    return Map.of(Keys.PK, s(Keys.connectorStatus(tenantId)), Keys.SK, s(Keys.STRIPE_STATUS));
  }

  @Override
  public void sent(String tenantId, int events, Instant newestReport, Instant at) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(tenantId))
                .updateExpression(
                    "ADD #sent :n SET #at = :at, #sentReport = :report, #seen = :report")
                .expressionAttributeNames(
                    Map.of(
                        "#sent",
                        SENT,
                        "#at",
                        LAST_SENT_AT,
                        "#sentReport",
                        LAST_REPORT_SENT_AT,
                        "#seen",
                        LAST_REPORT_SEEN_AT))
                .expressionAttributeValues(
                    Map.of(":n", n(events), ":at", instant(at), ":report", instant(newestReport))));
  }

  @Override
  public void failed(String tenantId, String reason, Instant newestReport, Instant at) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(tenantId))
                .updateExpression(
                    "ADD #errors :one SET #error = :error, #errorAt = :at, #seen = :report")
                .expressionAttributeNames(
                    Map.of(
                        "#errors",
                        ERRORS,
                        "#error",
                        LAST_ERROR,
                        "#errorAt",
                        LAST_ERROR_AT,
                        "#seen",
                        LAST_REPORT_SEEN_AT))
                .expressionAttributeValues(
                    Map.of(
                        ":one",
                        n(1),
                        ":error",
                        s(StripeConnectorStatus.bounded(reason)),
                        ":at",
                        instant(at),
                        ":report",
                        instant(newestReport))));
  }

  @Override
  public Optional<Activity> find(String tenantId) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(tenantId)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    return Optional.of(
        new Activity(
            Attributes.instant(item, LAST_SENT_AT),
            count(item, SENT),
            Attributes.instant(item, LAST_REPORT_SENT_AT),
            Attributes.instant(item, LAST_REPORT_SEEN_AT),
            count(item, ERRORS),
            Attributes.string(item, LAST_ERROR),
            Attributes.instant(item, LAST_ERROR_AT)));
  }

  private static long count(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }
}
