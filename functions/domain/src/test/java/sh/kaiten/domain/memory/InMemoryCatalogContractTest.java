package sh.kaiten.domain.memory;

import java.util.List;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.CatalogPortsContract;
import sh.kaiten.domain.webhooks.WebhookStore;

/**
 * The in-memory catalog keeps every catalog port's contract, so the use cases' tests mean what they
 * say.
 */
class InMemoryCatalogContractTest extends CatalogPortsContract {
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryTokens tokens = new InMemoryTokens();

  @Override
  public AdminStores stores() {
    return catalog.adminStores(tokens);
  }

  @Override
  public CatalogChangeStore catalogChanges() {
    return catalog;
  }

  @Override
  public WebhookStore webhooks() {
    return catalog.webhooks;
  }

  @Override
  public List<String> recorded(String tenantId) {
    return catalog.outbox.audit.stream()
        .filter(record -> record.tenantId().equals(tenantId))
        .map(AuditRecord::id)
        .toList();
  }
}
