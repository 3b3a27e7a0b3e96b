package sh.kaiten.domain.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The contract of {@link EntitlementStore}; entitlements are read back through {@link Definitions}.
 */
public abstract class EntitlementStoreContract extends RecordStoreContract<Entitlement> {

  protected EntitlementStoreContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Entitlement record(String slug, String variant) {
    return variant.equals("first") ? numeric(slug) : flag(slug);
  }

  @Override
  protected Entitlement changed(Entitlement e, Instant updatedAt) {
    return new Entitlement(
        e.slug(),
        "Renamed at " + updatedAt,
        e.type(),
        e.metering(),
        e.configSchema(),
        e.createdAt(),
        updatedAt);
  }

  @Override
  protected List<String> ids() {
    return List.of("api-calls", "seats", "sso");
  }

  @Override
  protected void create(Entitlement entitlement, ChangeRecords records) {
    stores.entitlements().createEntitlement(tenantId, entitlement, records);
  }

  @Override
  protected Optional<Entitlement> find(String slug) {
    return stores.definitions().findEntitlement(tenantId, slug);
  }

  @Override
  protected void update(Entitlement entitlement, Instant expectedUpdatedAt) {
    stores
        .entitlements()
        .updateEntitlement(tenantId, entitlement, expectedUpdatedAt, ChangeRecords.NONE);
  }

  @Override
  protected void delete(String slug, ChangeRecords records) {
    stores.entitlements().deleteEntitlement(tenantId, slug, records);
  }

  @Override
  protected Page<Entitlement> page(PageRequest request) {
    return stores.entitlements().entitlements(tenantId, request);
  }
}
