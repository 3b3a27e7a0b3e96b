package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import sh.kaiten.domain.admin.CatalogChange;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Many catalog changes as one transaction on the Catalog table (and the Webhooks table, for webhook
 * endpoints), with their events and audit record: each change keeps the condition its single store
 * puts on it (a free slug, an unchanged {@code updated_at}, a tier without licenses, an endpoint
 * still there), so one refused change cancels them all.
 */
public final class DynamoCatalogChanges implements CatalogChangeStore {
  private final CatalogWrites writes;
  private final String webhooksTable;

  /**
   * @param webhooksTable the Webhooks table, where endpoints are
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoCatalogChanges(
      DynamoDbClient dynamo, String table, String webhooksTable, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.webhooksTable = webhooksTable;
  }

  @Override
  public void applyChanges(String tenantId, List<CatalogChange> changes, ChangeRecords records) {
    List<TransactWriteItem> items = new ArrayList<>();
    List<Supplier<? extends RuntimeException>> refusals = new ArrayList<>();
    for (CatalogChange change : changes) {
      if (change instanceof CatalogChange.EntitlementCreated c) {
        items.add(
            created(
                tenantId,
                EntitlementItems.sk(c.entitlement().slug()),
                EntitlementItems.fields(c.entitlement())));
        refusals.add(refused("entitlement '" + c.entitlement().slug() + "' already exists"));
      } else if (change instanceof CatalogChange.EntitlementUpdated u) {
        items.add(
            updated(
                tenantId,
                EntitlementItems.sk(u.entitlement().slug()),
                EntitlementItems.fields(u.entitlement()),
                u.expectedUpdatedAt()));
        refusals.add(
            refused(
                "entitlement '"
                    + u.entitlement().slug()
                    + "' was changed or deleted since the plan"));
      } else if (change instanceof CatalogChange.EntitlementDeleted d) {
        items.add(writes.deleteExisting(tenantId, EntitlementItems.sk(d.slug())));
        refusals.add(refused("entitlement '" + d.slug() + "' was deleted since the plan"));
      } else if (change instanceof CatalogChange.TierCreated c) {
        items.add(created(tenantId, TierItems.sk(c.tier().slug()), TierItems.fields(c.tier())));
        refusals.add(refused("tier '" + c.tier().slug() + "' already exists"));
      } else if (change instanceof CatalogChange.TierUpdated u) {
        items.add(
            updated(
                tenantId,
                TierItems.sk(u.tier().slug()),
                TierItems.fields(u.tier()),
                u.expectedUpdatedAt()));
        refusals.add(
            refused("tier '" + u.tier().slug() + "' was changed or deleted since the plan"));
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
      } else if (change instanceof CatalogChange.WebhookCreated c) {
        items.add(DynamoWebhookStore.newEndpoint(webhooksTable, tenantId, c.endpoint()));
        refusals.add(refused("webhook '" + c.endpoint().id() + "' already exists"));
      } else if (change instanceof CatalogChange.WebhookUpdated u) {
        items.add(
            DynamoWebhookStore.changedEndpoint(
                webhooksTable, tenantId, u.endpoint(), u.expectedUpdatedAt()));
        refusals.add(
            refused("webhook '" + u.endpoint().url() + "' was changed or deleted since the plan"));
      } else if (change instanceof CatalogChange.WebhookDeleted d) {
        items.add(DynamoWebhookStore.deletedEndpoint(webhooksTable, tenantId, d.id()));
        refusals.add(refused("webhook '" + d.id() + "' was deleted since the plan"));
      }
    }
    writes.transact(items, records, refusals);
  }

  private TransactWriteItem created(
      String tenantId, String sk, Map<String, AttributeValue> fields) {
    return writes.putNew(CatalogItems.item(tenantId, sk, fields));
  }

  private TransactWriteItem updated(
      String tenantId, String sk, Map<String, AttributeValue> fields, Instant expectedUpdatedAt) {
    return TransactWriteItem.builder()
        .update(writes.change(tenantId, sk, fields, expectedUpdatedAt))
        .build();
  }

  private static Supplier<RuntimeException> refused(String problem) {
    return () -> new ConflictException(null, problem + "; nothing of the apply was written");
  }
}
