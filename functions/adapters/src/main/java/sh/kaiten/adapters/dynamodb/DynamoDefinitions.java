package sh.kaiten.adapters.dynamodb;

import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The definitions a decision reads, from the Catalog table, read consistently. */
public final class DynamoDefinitions implements Definitions {
  private final TenantItems items;

  public DynamoDefinitions(DynamoDbClient dynamo, String table) {
    this.items = new TenantItems(dynamo, table);
  }

  @Override
  public Optional<Entitlement> findEntitlement(String tenantId, String slug) {
    return items.get(tenantId, EntitlementItems.sk(slug)).map(EntitlementItems::entitlement);
  }

  @Override
  public List<Entitlement> listEntitlements(String tenantId) {
    return items.all(tenantId, Keys.ENTITLEMENT).map(EntitlementItems::entitlement).toList();
  }

  @Override
  public Optional<Tier> findTier(String tenantId, String slug) {
    return items.get(tenantId, TierItems.sk(slug)).map(TierItems::tier);
  }
}
