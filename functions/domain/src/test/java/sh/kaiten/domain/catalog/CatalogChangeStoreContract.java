package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.CatalogChange;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.webhooks.WebhookEndpoint;

/** The contract of {@link CatalogChangeStore}: many changes, all written or none. */
public abstract class CatalogChangeStoreContract extends CatalogContract {
  private static final Instant LATER = NOW.plusSeconds(60);

  protected CatalogChangeStoreContract(Fixture fixture) {
    super(fixture);
  }

  @BeforeEach
  void seed() {
    stores.entitlements().createEntitlement(tenantId, flag("sso"), ChangeRecords.NONE);
    stores.tiers().createTier(tenantId, tier("basic", 1), ChangeRecords.NONE);
  }

  @Test
  void writesEveryChangeWithItsRecord() {
    Entitlement renamed =
        new Entitlement("sso", "Single sign-on", EntitlementType.BOOLEAN, null, null, NOW, LATER);
    catalogChanges.applyChanges(
        tenantId,
        List.of(
            new CatalogChange.EntitlementCreated(numeric("api-calls")),
            new CatalogChange.EntitlementUpdated(renamed, NOW),
            new CatalogChange.TierCreated(tier("pro", 2)),
            new CatalogChange.TierDeleted("basic")),
        records("catalog.applied"));

    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls"))
        .contains(numeric("api-calls"));
    assertThat(stores.definitions().findEntitlement(tenantId, "sso")).contains(renamed);
    assertThat(stores.definitions().findTier(tenantId, "pro")).contains(tier("pro", 2));
    assertThat(stores.definitions().findTier(tenantId, "basic")).isEmpty();
    assertThat(recorded()).hasSize(1);
  }

  @Test
  void oneRefusedChangeWritesNoneOfThem() {
    Entitlement renamed =
        new Entitlement("sso", "Single sign-on", EntitlementType.BOOLEAN, null, null, NOW, LATER);
    assertRefused(
        new CatalogChange.EntitlementCreated(numeric("api-calls")),
        new CatalogChange.EntitlementUpdated(renamed, NOW),
        new CatalogChange.TierCreated(tier("basic", 5)));

    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls")).isEmpty();
    assertThat(stores.definitions().findEntitlement(tenantId, "sso")).contains(flag("sso"));
    assertThat(stores.definitions().findTier(tenantId, "basic")).contains(tier("basic", 1));
    assertThat(recorded()).isEmpty();
  }

  @Test
  void aRecordChangedSinceItWasReadRefusesTheWhole() {
    Tier changed = new Tier("basic", "Basic", 1, tier("basic", 1).entitlements(), NOW, LATER);
    assertRefused(
        new CatalogChange.EntitlementDeleted("sso"), new CatalogChange.TierUpdated(changed, LATER));

    assertThat(stores.definitions().findEntitlement(tenantId, "sso")).contains(flag("sso"));
    assertThat(stores.definitions().findTier(tenantId, "basic")).contains(tier("basic", 1));
  }

  @Test
  void aTierLicensesAreOnIsNotDeleted() {
    seedLicense("lic_1");
    assertRefused(
        new CatalogChange.EntitlementCreated(numeric("api-calls")),
        new CatalogChange.TierDeleted("pro"));

    assertThat(stores.definitions().findTier(tenantId, "pro")).isPresent();
    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls")).isEmpty();
  }

  private static WebhookEndpoint endpoint(String id, String url, List<String> eventTypes) {
    return new WebhookEndpoint(
        id, url, "Endpoint " + id, eventTypes, "whsec_" + id, null, null, NOW, NOW);
  }

  @Test
  void writesWebhookEndpointsWithTheCatalogsRecords() {
    WebhookEndpoint kept = endpoint("wh_kept", "https://hooks.example.com/kept", List.of("*"));
    WebhookEndpoint gone = endpoint("wh_gone", "https://hooks.example.com/gone", List.of("*"));
    webhooks.createEndpoint(tenantId, kept, ChangeRecords.NONE);
    webhooks.createEndpoint(tenantId, gone, ChangeRecords.NONE);
    WebhookEndpoint created =
        endpoint("wh_new", "https://hooks.example.com/new", List.of("license.upgraded"));
    WebhookEndpoint changed =
        new WebhookEndpoint(
            kept.id(),
            kept.url(),
            "Renamed",
            List.of("tier.updated"),
            kept.secret(),
            null,
            null,
            NOW,
            LATER);

    catalogChanges.applyChanges(
        tenantId,
        List.of(
            new CatalogChange.EntitlementCreated(numeric("api-calls")),
            new CatalogChange.WebhookCreated(created),
            new CatalogChange.WebhookUpdated(changed, NOW),
            new CatalogChange.WebhookDeleted(gone.id())),
        records("catalog.applied"));

    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls"))
        .contains(numeric("api-calls"));
    assertThat(webhooks.findEndpoint(tenantId, "wh_new")).contains(created);
    assertThat(webhooks.findEndpoint(tenantId, kept.id())).contains(changed);
    assertThat(webhooks.findEndpoint(tenantId, gone.id())).isEmpty();
    assertThat(recorded()).hasSize(1);
  }

  @Test
  void aWebhookChangedSinceItWasReadRefusesTheWholeWithTheCatalogs() {
    WebhookEndpoint kept = endpoint("wh_kept", "https://hooks.example.com/kept", List.of("*"));
    webhooks.createEndpoint(tenantId, kept, ChangeRecords.NONE);
    WebhookEndpoint stale =
        new WebhookEndpoint(
            kept.id(), kept.url(), "Stale", List.of("*"), kept.secret(), null, null, NOW, LATER);

    assertRefused(
        new CatalogChange.EntitlementCreated(numeric("api-calls")),
        new CatalogChange.WebhookCreated(
            endpoint("wh_new", "https://hooks.example.com/new", List.of("*"))),
        new CatalogChange.WebhookUpdated(stale, LATER));

    assertThat(stores.definitions().findEntitlement(tenantId, "api-calls")).isEmpty();
    assertThat(webhooks.findEndpoint(tenantId, "wh_new")).isEmpty();
    assertThat(webhooks.findEndpoint(tenantId, kept.id())).contains(kept);
    assertThat(recorded()).isEmpty();
  }

  @Test
  void aRefusedCatalogChangeWritesNoWebhookChange() {
    WebhookEndpoint gone = endpoint("wh_gone", "https://hooks.example.com/gone", List.of("*"));
    webhooks.createEndpoint(tenantId, gone, ChangeRecords.NONE);

    assertRefused(
        new CatalogChange.WebhookDeleted(gone.id()),
        new CatalogChange.WebhookCreated(
            endpoint("wh_new", "https://hooks.example.com/new", List.of("*"))),
        new CatalogChange.TierCreated(tier("basic", 5)));

    assertThat(webhooks.findEndpoint(tenantId, gone.id())).contains(gone);
    assertThat(webhooks.findEndpoint(tenantId, "wh_new")).isEmpty();
    assertThat(recorded()).isEmpty();
  }

  /** The changes, applied as one, are refused as a conflict. */
  private void assertRefused(CatalogChange... changes) {
    assertThatThrownBy(
            () ->
                catalogChanges.applyChanges(tenantId, List.of(changes), records("catalog.applied")))
        .isInstanceOf(ConflictException.class);
  }
}
