package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** The contract of {@link TierStore}; tiers are read back through {@link Definitions}. */
public abstract class TierStoreContract extends RecordStoreContract<Tier> {

  protected TierStoreContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Tier record(String slug, String variant) {
    return tier(slug, variant.equals("first") ? 1 : 2);
  }

  @Override
  protected Tier changed(Tier tier, Instant updatedAt) {
    return new Tier(
        tier.slug(),
        "Renamed at " + updatedAt,
        tier.rank() + 1,
        tier.entitlements(),
        tier.createdAt(),
        updatedAt);
  }

  @Override
  protected List<String> ids() {
    return List.of("basic", "pro", "team");
  }

  @Override
  protected void create(Tier tier, ChangeRecords records) {
    stores.tiers().createTier(tenantId, tier, records);
  }

  @Override
  protected Optional<Tier> find(String slug) {
    return stores.definitions().findTier(tenantId, slug);
  }

  @Override
  protected void update(Tier tier, Instant expectedUpdatedAt) {
    stores.tiers().updateTier(tenantId, tier, expectedUpdatedAt, ChangeRecords.NONE);
  }

  @Override
  protected void delete(String slug, ChangeRecords records) {
    stores.tiers().deleteTier(tenantId, slug, records);
  }

  @Override
  protected Page<Tier> page(PageRequest request) {
    return stores.tiers().tiers(tenantId, request);
  }

  @Test
  void aTierIsNotDeletedWhileALicenseIsOnIt() {
    seedLicense("lic_1");

    assertThatThrownBy(() -> delete("pro", records("refused")))
        .isInstanceOf(ConflictException.class);
    assertThat(find("pro")).isPresent();
    stores.licenses().deleteLicense(tenantId, "lic_1", ChangeRecords.NONE);
    delete("pro", records("deleted"));
    assertThat(find("pro")).isEmpty();
    assertThat(recorded()).hasSize(1);
  }
}
