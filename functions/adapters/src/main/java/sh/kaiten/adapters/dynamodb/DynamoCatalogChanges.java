package sh.kaiten.adapters.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import sh.kaiten.domain.catalog.CatalogChange;
import sh.kaiten.domain.catalog.CatalogChangeStore;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Many catalog changes as one transaction on the Catalog table, with their events and audit record:
 * each change keeps the condition its single store puts on it (a free slug, an unchanged {@code
 * updated_at}, a tier without licenses), so one refused change cancels them all.
 */
public final class DynamoCatalogChanges implements CatalogChangeStore {
  private final CatalogWrites writes;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoCatalogChanges(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
  }

  @Override
  public void applyChanges(String tenantId, List<CatalogChange> changes, ChangeRecords records) {
    List<TransactWriteItem> items = new ArrayList<>();
    List<Supplier<? extends RuntimeException>> refusals = new ArrayList<>();
    for (CatalogChange change : changes) {
      if (change instanceof CatalogChange.EntitlementCreated c) {
        String slug = c.entitlement().slug();
        items.add(
            writes.putNew(
                CatalogItems.item(
                    tenantId,
                    EntitlementItems.sk(slug),
                    EntitlementItems.fields(c.entitlement()))));
        refusals.add(refused("entitlement '" + slug + "' already exists"));
      } else if (change instanceof CatalogChange.EntitlementUpdated u) {
        String slug = u.entitlement().slug();
        items.add(
            TransactWriteItem.builder()
                .update(
                    writes.change(
                        tenantId,
                        EntitlementItems.sk(slug),
                        EntitlementItems.fields(u.entitlement()),
                        u.expectedUpdatedAt()))
                .build());
        refusals.add(refused("entitlement '" + slug + "' was changed or deleted since the plan"));
      } else if (change instanceof CatalogChange.EntitlementDeleted d) {
        items.add(writes.deleteExisting(tenantId, EntitlementItems.sk(d.slug())));
        refusals.add(refused("entitlement '" + d.slug() + "' was deleted since the plan"));
      } else if (change instanceof CatalogChange.TierCreated c) {
        String slug = c.tier().slug();
        items.add(
            writes.putNew(
                CatalogItems.item(tenantId, TierItems.sk(slug), TierItems.fields(c.tier()))));
        refusals.add(refused("tier '" + slug + "' already exists"));
      } else if (change instanceof CatalogChange.TierUpdated u) {
        String slug = u.tier().slug();
        items.add(
            TransactWriteItem.builder()
                .update(
                    writes.change(
                        tenantId,
                        TierItems.sk(slug),
                        TierItems.fields(u.tier()),
                        u.expectedUpdatedAt()))
                .build());
        refusals.add(refused("tier '" + slug + "' was changed or deleted since the plan"));
      } else if (change instanceof CatalogChange.TierDeleted d) {
        items.add(
            writes.deleteUnreferenced(
                tenantId,
                TierItems.sk(d.slug()),
                "attribute_exists(#pk)",
                Map.of("#pk", Keys.PK, "#count", CatalogItems.LICENSE_COUNT),
                Map.of()));
        refusals.add(
            refused(
                "tier '" + d.slug() + "' cannot be deleted: licenses are on it, or it is gone"));
      }
    }
    writes.transact(items, records, refusals);
  }

  private static Supplier<RuntimeException> refused(String problem) {
    return () -> new ConflictException(null, problem + "; nothing of the apply was written");
  }
}
