package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.RecordStoreContract;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The contract of {@link LicenseStore}: licenses name a tier and a customer that exist, and are
 * counted on them.
 */
public abstract class LicenseStoreContract extends RecordStoreContract<License> {

  protected LicenseStoreContract(Fixture fixture) {
    super(fixture);
  }

  @BeforeEach
  void tiersAndACustomer() {
    stores.tiers().createTier(tenantId, tier("pro", 2), ChangeRecords.NONE);
    stores.tiers().createTier(tenantId, tier("team", 3), ChangeRecords.NONE);
    stores.customers().createCustomer(tenantId, customer("cus_1"), ChangeRecords.NONE);
  }

  @Override
  protected License record(String id, String variant) {
    return license(id, "cus_1", variant.equals("first") ? "pro" : "team");
  }

  @Override
  protected License changed(License license, Instant updatedAt) {
    return new License(
        license.id(),
        license.customerId(),
        license.tier(),
        LicenseStatus.ACTIVE,
        license.startsAt(),
        null,
        updatedAt.plusSeconds(3600),
        license.overrides(),
        license.createdAt(),
        updatedAt);
  }

  @Override
  protected List<String> ids() {
    return List.of("lic_1", "lic_2", "lic_3");
  }

  @Override
  protected void create(License license, ChangeRecords records) {
    stores.licenses().createLicense(tenantId, license, List.of(), records);
  }

  @Override
  protected Optional<License> find(String id) {
    return stores.licenses().findLicense(tenantId, id);
  }

  /** The license as read at {@code expectedUpdatedAt} is the one replaced. */
  @Override
  protected void update(License license, Instant expectedUpdatedAt) {
    License previous =
        new License(
            license.id(),
            license.customerId(),
            license.tier(),
            license.status(),
            license.startsAt(),
            license.trialEndsAt(),
            license.expiresAt(),
            license.overrides(),
            license.createdAt(),
            expectedUpdatedAt);
    stores.licenses().updateLicense(tenantId, previous, license, List.of(), ChangeRecords.NONE);
  }

  @Override
  protected void delete(String id, ChangeRecords records) {
    stores.licenses().deleteLicense(tenantId, id, records);
  }

  @Override
  protected Page<License> page(PageRequest request) {
    return stores.licenses().licenses(tenantId, request);
  }

  /** The port cannot tell a license deleted since it was read from one changed since. */
  @Override
  protected Class<? extends RuntimeException> updateOfAMissingRecord() {
    return ConflictException.class;
  }

  @Test
  void aLicenseNamesATierAndACustomerThatExist() {
    assertThatThrownBy(() -> create(license("lic_1", "cus_1", "gold"), records("no tier")))
        .isInstanceOf(UnknownReferenceException.class);
    assertThatThrownBy(() -> create(license("lic_1", "cus_9", "pro"), records("no customer")))
        .isInstanceOf(UnknownReferenceException.class);
    assertThat(find("lic_1")).isEmpty();
    assertThat(recorded()).isEmpty();
  }

  @Test
  void aLicenseMovesToATierThatExistsAndIsCountedThere() {
    License first = record("lic_1", "first");
    create(first, ChangeRecords.NONE);
    License onGold =
        new License(
            "lic_1",
            "cus_1",
            "gold",
            first.status(),
            first.startsAt(),
            first.trialEndsAt(),
            first.expiresAt(),
            first.overrides(),
            first.createdAt(),
            NOW.plusSeconds(1));
    assertThatThrownBy(
            () ->
                stores
                    .licenses()
                    .updateLicense(tenantId, first, onGold, List.of(), ChangeRecords.NONE))
        .isInstanceOf(UnknownReferenceException.class);

    License onTeam =
        new License(
            "lic_1",
            "cus_1",
            "team",
            first.status(),
            first.startsAt(),
            first.trialEndsAt(),
            first.expiresAt(),
            first.overrides(),
            first.createdAt(),
            NOW.plusSeconds(1));
    stores.licenses().updateLicense(tenantId, first, onTeam, List.of(), ChangeRecords.NONE);
    stores.tiers().deleteTier(tenantId, "pro", ChangeRecords.NONE);
    assertThatThrownBy(() -> stores.tiers().deleteTier(tenantId, "team", ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(find("lic_1")).contains(onTeam);
  }

  @Test
  void aLicenseIsNotDeletedWhileAnInstanceIsOnIt() {
    create(record("lic_1", "first"), ChangeRecords.NONE);
    stores
        .instances()
        .createInstance(
            tenantId,
            instance("acme-prod", "lic_1"),
            InstanceStoreContract.token(stores, tenantId, "acme-prod", "lic_1"),
            ChangeRecords.NONE);

    assertThatThrownBy(() -> delete("lic_1", records("refused")))
        .isInstanceOf(ConflictException.class);
    assertThat(find("lic_1")).isPresent();
    assertThat(recorded()).isEmpty();
  }
}
