package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A tenant's instances on the Catalog table, counted on their license, with their tokens. */
public final class DynamoInstances implements InstanceStore {
  private final CatalogWrites writes;
  private final TenantItems items;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoInstances(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.items = new TenantItems(dynamo, table);
  }

  /** The instance and one more instance on its license, together. */
  @Override
  public void createInstance(
      String tenantId, Instance instance, TokenWrites token, ChangeRecords records) {
    writes.transact(
        CatalogWrites.withTokens(
            List.of(
                writes.putNew(
                    CatalogItems.item(
                        tenantId, InstanceItems.sk(instance.id()), InstanceItems.fields(instance))),
                writes.count(
                    tenantId,
                    LicenseItems.sk(instance.licenseId()),
                    CatalogItems.INSTANCE_COUNT,
                    1)),
            token),
        records,
        List.of(
            () -> new ConflictException("id", "instance '" + instance.id() + "' already exists"),
            () ->
                new UnknownReferenceException(
                    "license_id", "license '" + instance.licenseId() + "' does not exist"),
            CatalogWrites.TOKEN_TAKEN));
  }

  @Override
  public Optional<Instance> findInstance(String tenantId, String id) {
    return items.get(tenantId, InstanceItems.sk(id)).map(InstanceItems::instance);
  }

  @Override
  public void updateInstance(
      String tenantId, Instance instance, Instant expectedUpdatedAt, ChangeRecords records) {
    writes.update(
        tenantId,
        InstanceItems.sk(instance.id()),
        InstanceItems.fields(instance),
        expectedUpdatedAt,
        "instance",
        instance.id(),
        records);
  }

  /** Deletes the instance, counts it off its license and removes its tokens, together. */
  @Override
  public void deleteInstance(
      String tenantId, String id, TokenWrites tokens, ChangeRecords records) {
    Instance instance =
        findInstance(tenantId, id).orElseThrow(() -> new NotFoundException("instance", id));
    DynamoTokenStore.Writes revoked = DynamoTokenStore.Writes.of(tokens);
    writes.transact(
        CatalogWrites.withTokens(
            List.of(
                writes.deleteExisting(tenantId, InstanceItems.sk(id)),
                writes.count(
                    tenantId,
                    LicenseItems.sk(instance.licenseId()),
                    CatalogItems.INSTANCE_COUNT,
                    -1)),
            revoked),
        records,
        List.of(() -> new NotFoundException("instance", id)));
    revoked.finish(writes.dynamo());
  }

  @Override
  public Page<Instance> instances(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.INSTANCE, page, true, InstanceItems::instance);
  }
}
