package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The contract of {@link Definitions}: what the control plane wrote, read back whole, tenant by
 * tenant.
 */
public abstract class DefinitionsContract extends CatalogContract {

  protected DefinitionsContract(Fixture fixture) {
    super(fixture);
  }

  @Test
  void entitlementsAreReadAsTheyWereWrittenAndListedBySlug() {
    Entitlement sso = flag("sso");
    Entitlement calls = numeric("api-calls");
    stores.entitlements().createEntitlement(tenantId, sso, ChangeRecords.NONE);
    stores.entitlements().createEntitlement(tenantId, calls, ChangeRecords.NONE);

    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls")).contains(calls);
    assertThat(stores.definitions().findEntitlement(tenantId, "seats")).isEmpty();
    assertThat(stores.definitions().listEntitlements(tenantId)).containsExactly(calls, sso);
  }

  @Test
  void aTierIsReadWithItsValues() {
    Tier pro = tier("pro", 2);
    stores.tiers().createTier(tenantId, pro, ChangeRecords.NONE);

    assertThat(stores.definitions().findTier(tenantId, "pro")).contains(pro);
    assertThat(stores.definitions().findTier(tenantId, "team")).isEmpty();
  }

  @Test
  void anotherTenantsDefinitionsAreNotThere() {
    stores.entitlements().createEntitlement(tenantId, flag("sso"), ChangeRecords.NONE);
    stores.tiers().createTier(tenantId, tier("pro", 2), ChangeRecords.NONE);
    String other = tenantId + "-other";

    assertThat(stores.definitions().findEntitlement(other, "sso")).isEmpty();
    assertThat(stores.definitions().listEntitlements(other)).isEmpty();
    assertThat(stores.definitions().findTier(other, "pro")).isEmpty();
  }
}
