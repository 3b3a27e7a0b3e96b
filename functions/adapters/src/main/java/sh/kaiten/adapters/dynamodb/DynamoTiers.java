package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.catalog.TierStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A tenant's tiers on the Catalog table; a tier counts the licenses on it, so it is not deleted
 * under them.
 */
public final class DynamoTiers implements TierStore {
  private final CatalogWrites writes;
  private final TenantItems items;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoTiers(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.items = new TenantItems(dynamo, table);
  }

  @Override
  public void createTier(String tenantId, Tier tier, ChangeRecords records) {
    writes.create(
        CatalogItems.item(tenantId, TierItems.sk(tier.slug()), TierItems.fields(tier)),
        "tier '" + tier.slug() + "' already exists",
        "slug",
        records);
  }

  @Override
  public void updateTier(
      String tenantId, Tier tier, Instant expectedUpdatedAt, ChangeRecords records) {
    writes.update(
        tenantId,
        TierItems.sk(tier.slug()),
        TierItems.fields(tier),
        expectedUpdatedAt,
        "tier",
        tier.slug(),
        records);
  }

  @Override
  public void deleteTier(String tenantId, String slug, ChangeRecords records) {
    writes.delete(
        tenantId,
        TierItems.sk(slug),
        CatalogItems.LICENSE_COUNT,
        "tier",
        slug,
        "licenses are on it; move them to another tier first",
        records);
  }

  @Override
  public Page<Tier> tiers(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.TIER, page, true, TierItems::tier);
  }
}
