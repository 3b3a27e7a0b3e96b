package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.RecordStoreContract;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The contract of {@link InstanceStore}: an instance is on a license that exists, and comes and
 * goes with its tokens.
 */
public abstract class InstanceStoreContract extends RecordStoreContract<Instance> {

  protected InstanceStoreContract(Fixture fixture) {
    super(fixture);
  }

  /** Issuing a new instance token, the secret of which is the token's id. */
  static TokenWrites token(
      AdminStores stores, String tenantId, String instanceId, String licenseId) {
    String id = "tok_" + UUID.randomUUID().toString().replace("-", "");
    return stores
        .tokens()
        .issuing(
            Secrets.hash(id),
            new ApiToken(id, tenantId, TokenScope.INSTANCE, instanceId, licenseId, NOW));
  }

  @BeforeEach
  void aLicense() {
    seedLicense("lic_1");
  }

  @Override
  protected Instance record(String id, String variant) {
    return new Instance(id, "lic_1", "Instance " + variant, Map.of("variant", variant), NOW);
  }

  @Override
  protected Instance changed(Instance instance, Instant updatedAt) {
    return new Instance(
        instance.id(),
        instance.licenseId(),
        "Renamed at " + updatedAt,
        Map.of(),
        instance.createdAt(),
        updatedAt);
  }

  @Override
  protected List<String> ids() {
    return List.of("acme-dev", "acme-prod", "acme-staging");
  }

  @Override
  protected void create(Instance instance, ChangeRecords records) {
    stores
        .instances()
        .createInstance(
            tenantId, instance, token(stores, tenantId, instance.id(), "lic_1"), records);
  }

  @Override
  protected Optional<Instance> find(String id) {
    return stores.instances().findInstance(tenantId, id);
  }

  @Override
  protected void update(Instance instance, Instant expectedUpdatedAt) {
    stores.instances().updateInstance(tenantId, instance, expectedUpdatedAt, ChangeRecords.NONE);
  }

  @Override
  protected void delete(String id, ChangeRecords records) {
    stores
        .instances()
        .deleteInstance(tenantId, id, stores.tokens().revokingInstance(tenantId, id), records);
  }

  @Override
  protected Page<Instance> page(PageRequest request) {
    return stores.instances().instances(tenantId, request);
  }

  @Test
  void anInstanceIsOnALicenseThatExists() {
    assertThatThrownBy(
            () ->
                stores
                    .instances()
                    .createInstance(
                        tenantId,
                        new Instance("acme-prod", "lic_9", "Prod", Map.of(), NOW),
                        token(stores, tenantId, "acme-prod", "lic_9"),
                        records("no license")))
        .isInstanceOf(UnknownReferenceException.class);
    assertThat(find("acme-prod")).isEmpty();
    assertThat(stores.tokens().tokensOf(tenantId)).isEmpty();
    assertThat(recorded()).isEmpty();
  }

  @Test
  void anInstancesTokenComesAndGoesWithIt() {
    create(record("acme-prod", "first"), ChangeRecords.NONE);
    ApiToken issued = stores.tokens().tokensOf(tenantId).get(0);

    assertThat(stores.tokens().findByHash(Secrets.hash(issued.id()))).contains(issued);
    assertThat(issued.instanceId()).isEqualTo("acme-prod");
    delete("acme-prod", ChangeRecords.NONE);
    assertThat(stores.tokens().findByHash(Secrets.hash(issued.id()))).isEmpty();
    stores.licenses().deleteLicense(tenantId, "lic_1", ChangeRecords.NONE);
    assertThat(stores.licenses().findLicense(tenantId, "lic_1")).isEmpty();
  }
}
