package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookStoreContract;

/** The DynamoDB webhooks keep the port's contract, on DynamoDB Local with the template's Webhooks table. */
class DynamoWebhookStoreContractTest extends WebhookStoreContract {
  private final DynamoWebhookStore store =
      new DynamoWebhookStore(SharedLocalAws.dynamo(), SharedLocalAws.table("WebhooksTable"), SharedLocalAws.changes());

  @Override
  protected WebhookStore store() {
    return store;
  }
}
