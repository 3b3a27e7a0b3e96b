package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A tenant's licenses on the Catalog table, with the timers of their dates. A license is counted on
 * its tier and its customer in the same transaction, and counts its instances.
 */
public final class DynamoLicenses implements LicenseStore {
  private final CatalogWrites writes;
  private final TenantItems items;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoLicenses(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.items = new TenantItems(dynamo, table);
  }

  /**
   * The license, its timers, and one more license on its tier and customer, together or not at all.
   */
  @Override
  public void createLicense(
      String tenantId, License license, List<LifecycleTimer> timers, ChangeRecords records) {
    List<TransactWriteItem> all = new ArrayList<>();
    all.add(
        writes.putNew(
            CatalogItems.item(
                tenantId, LicenseItems.sk(license.id()), LicenseItems.fields(license))));
    all.add(writes.count(tenantId, TierItems.sk(license.tier()), CatalogItems.LICENSE_COUNT, 1));
    all.add(
        writes.count(
            tenantId, CustomerItems.sk(license.customerId()), CatalogItems.LICENSE_COUNT, 1));
    timers.forEach(timer -> all.add(writes.timer(timer)));
    writes.transact(
        all,
        records,
        List.of(
            () -> new ConflictException("id", "license '" + license.id() + "' already exists"),
            () ->
                new UnknownReferenceException(
                    "tier", "tier '" + license.tier() + "' does not exist"),
            () ->
                new UnknownReferenceException(
                    "customer_id", "customer '" + license.customerId() + "' does not exist")));
  }

  /**
   * The license, the timers of the dates that changed, and the license counts of a tier change,
   * together.
   */
  @Override
  public void updateLicense(
      String tenantId,
      License previous,
      License license,
      List<LifecycleTimer> timers,
      ChangeRecords records) {
    List<TransactWriteItem> all = new ArrayList<>();
    // Unchanged since `previous` was read, so still on the tier counted down here.
    all.add(
        TransactWriteItem.builder()
            .update(
                writes.change(
                    tenantId,
                    LicenseItems.sk(license.id()),
                    LicenseItems.fields(license),
                    previous.updatedAt()))
            .build());
    if (!previous.tier().equals(license.tier())) {
      all.add(writes.count(tenantId, TierItems.sk(license.tier()), CatalogItems.LICENSE_COUNT, 1));
      all.add(
          writes.count(tenantId, TierItems.sk(previous.tier()), CatalogItems.LICENSE_COUNT, -1));
    }
    timers.forEach(timer -> all.add(writes.timer(timer)));
    writes.transact(
        all,
        records,
        List.of(
            () ->
                new ConflictException(
                    null,
                    "license '" + license.id() + "' was changed by another request; read it again"),
            () ->
                new UnknownReferenceException(
                    "tier", "tier '" + license.tier() + "' does not exist")));
  }

  @Override
  public Optional<License> findLicense(String tenantId, String id) {
    return items.get(tenantId, LicenseItems.sk(id)).map(LicenseItems::license);
  }

  /** Deletes the license if no instance is on it, counting it off its tier and customer. */
  @Override
  public void deleteLicense(String tenantId, String id, ChangeRecords records) {
    License license =
        findLicense(tenantId, id).orElseThrow(() -> new NotFoundException("license", id));
    List<TransactWriteItem> all = new ArrayList<>();
    all.add(
        writes.deleteUnreferenced(
            tenantId,
            LicenseItems.sk(id),
            "#tier = :tier AND #customer = :customer",
            Map.of(
                "#tier", "tier", "#customer", "customer_id", "#count", CatalogItems.INSTANCE_COUNT),
            Map.of(":tier", s(license.tier()), ":customer", s(license.customerId()))));
    all.add(writes.count(tenantId, TierItems.sk(license.tier()), CatalogItems.LICENSE_COUNT, -1));
    all.add(
        writes.count(
            tenantId, CustomerItems.sk(license.customerId()), CatalogItems.LICENSE_COUNT, -1));
    writes.transact(
        all,
        records,
        List.of(
            () ->
                findLicense(tenantId, id).isEmpty()
                    ? new NotFoundException("license", id)
                    : new ConflictException(
                        null,
                        "license '"
                            + id
                            + "' cannot be deleted: instances are on it; delete them first")));
  }

  @Override
  public Page<License> licenses(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.LICENSE, page, true, LicenseItems::license);
  }
}
