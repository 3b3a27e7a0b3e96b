package sh.kaiten.testing;

import java.util.Map;
import sh.kaiten.adapters.dynamodb.ChangeItems;
import sh.kaiten.adapters.dynamodb.DynamoAdminStores;
import sh.kaiten.adapters.dynamodb.DynamoTokenStore;
import sh.kaiten.adapters.dynamodb.DynamoWebhookStore;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The test deployment's stores, built in the test's own JVM on the tables the template gives {@code
 * function}: an integration test has no beans to inject (the function under test runs in its own
 * process), yet seeds and reads the same tables through the same adapters.
 */
public final class DeploymentStores {
  private final LocalAws aws;
  private final Map<String, String> environment;
  private final ChangeItems changes;

  private DeploymentStores(String function) {
    aws = LocalAwsResource.localAws();
    environment = aws.resources().localEnvironmentOf(function);
    changes = new ChangeItems(environment.get("KAITEN_TABLE_OUTBOX"), table("KAITEN_TABLE_AUDIT"));
  }

  /**
   * @param function the template's logical id of the function whose tables these are
   */
  public static DeploymentStores of(String function) {
    return new DeploymentStores(function);
  }

  /** The product page's scenario as a fresh tenant, seeded through the stores. */
  public ProductPage productPage() {
    return ProductPage.seed(catalog());
  }

  /** The catalog's ports, with the tokens. */
  public AdminStores catalog() {
    return DynamoAdminStores.of(aws.dynamo(), table("KAITEN_TABLE_CATALOG"), tokens(), changes);
  }

  public TokenStore tokens() {
    return new DynamoTokenStore(aws.dynamo(), table("KAITEN_TABLE_TOKENS"), changes);
  }

  public WebhookStore webhooks() {
    return new DynamoWebhookStore(aws.dynamo(), table("KAITEN_TABLE_WEBHOOKS"), changes);
  }

  /** The items of one partition ({@code pk}) of a table, read consistently, in sort key order. */
  public java.util.List<Map<String, AttributeValue>> partition(String tableVariable, String pk) {
    return aws
        .dynamo()
        .queryPaginator(
            QueryRequest.builder()
                .tableName(table(tableVariable))
                .consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .build())
        .items()
        .stream()
        .toList();
  }

  /**
   * @param variable the function's environment variable naming the table, e.g. {@code
   *     KAITEN_TABLE_USAGE}
   */
  public String table(String variable) {
    String table = environment.get(variable);
    if (table == null) {
      throw new IllegalArgumentException(variable + " is not in the function's environment");
    }
    return table;
  }
}
