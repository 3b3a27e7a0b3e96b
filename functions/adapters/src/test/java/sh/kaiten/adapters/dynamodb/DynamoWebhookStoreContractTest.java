package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookStoreContract;

/**
 * The DynamoDB webhooks keep the port's contract, on DynamoDB Local with the template's Webhooks
 * table.
 */
class DynamoWebhookStoreContractTest extends WebhookStoreContract {
  private final DynamoWebhookStore store =
      new DynamoWebhookStore(
          SuiteLocalAws.dynamo(), SuiteLocalAws.table("WebhooksTable"), SuiteLocalAws.changes());

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected WebhookStore store() {
    return store;
  }
}
