package sh.kaiten.adapters.dynamodb;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.CatalogPortsContract;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;

/**
 * The DynamoDB catalog keeps every catalog port's contract, on DynamoDB Local with the template's
 * Catalog, Webhooks, Tokens and Audit tables (each test has a tenant of its own on them).
 */
class DynamoCatalogContractTest extends CatalogPortsContract {
  private static LocalAws aws;
  private static AdminStores stores;
  private static DynamoAuditLog audit;
  private static CatalogChangeStore catalogChanges;
  private static WebhookStore webhooks;

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    aws.stopExpiringItems(); // the suite's clock is its own, in the past
    ChangeItems changes = new ChangeItems(null, aws.resources().ref("AuditTable"));
    stores =
        DynamoAdminStores.of(
            aws.dynamo(),
            aws.resources().ref("CatalogTable"),
            new DynamoTokenStore(aws.dynamo(), aws.resources().ref("TokensTable"), changes),
            changes);
    catalogChanges =
        new DynamoCatalogChanges(
            aws.dynamo(),
            aws.resources().ref("CatalogTable"),
            aws.resources().ref("WebhooksTable"),
            changes);
    webhooks = new DynamoWebhookStore(aws.dynamo(), aws.resources().ref("WebhooksTable"), changes);
    audit = new DynamoAuditLog(aws.dynamo(), aws.resources().ref("AuditTable"));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Override
  public AdminStores stores() {
    return stores;
  }

  @Override
  public CatalogChangeStore catalogChanges() {
    return catalogChanges;
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  @Override
  public List<String> recorded(String tenantId) {
    return audit.records(tenantId, Instant.EPOCH, Instant.now().plus(Duration.ofDays(1))).stream()
        .map(AuditRecord::id)
        .toList();
  }
}
