package sh.kaiten.domain.memory;

import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookStoreContract;

/**
 * The in-memory webhooks keep the port's contract, so the webhook use cases' tests mean what they
 * say.
 */
class InMemoryWebhooksContractTest extends WebhookStoreContract {
  private final InMemoryWebhooks webhooks = new InMemoryWebhooks();

  @Override
  protected WebhookStore store() {
    return webhooks;
  }
}
