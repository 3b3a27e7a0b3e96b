package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A tenant's entitlements on the Catalog table. */
public final class DynamoEntitlements implements EntitlementStore {
  private final CatalogWrites writes;
  private final TenantItems items;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoEntitlements(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.items = new TenantItems(dynamo, table);
  }

  @Override
  public void createEntitlement(String tenantId, Entitlement entitlement, ChangeRecords records) {
    writes.create(
        CatalogItems.item(
            tenantId,
            EntitlementItems.sk(entitlement.slug()),
            EntitlementItems.fields(entitlement)),
        "entitlement '" + entitlement.slug() + "' already exists",
        "slug",
        records);
  }

  @Override
  public void updateEntitlement(
      String tenantId, Entitlement entitlement, Instant expectedUpdatedAt, ChangeRecords records) {
    writes.update(
        tenantId,
        EntitlementItems.sk(entitlement.slug()),
        EntitlementItems.fields(entitlement),
        expectedUpdatedAt,
        "entitlement",
        entitlement.slug(),
        records);
  }

  @Override
  public void deleteEntitlement(String tenantId, String slug, ChangeRecords records) {
    writes.delete(tenantId, EntitlementItems.sk(slug), null, "entitlement", slug, null, records);
  }

  @Override
  public Page<Entitlement> entitlements(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.ENTITLEMENT, page, true, EntitlementItems::entitlement);
  }
}
