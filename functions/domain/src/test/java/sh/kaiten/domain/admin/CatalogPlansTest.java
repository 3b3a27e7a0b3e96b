package sh.kaiten.domain.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CatalogPlan.Action;
import sh.kaiten.domain.admin.CatalogPlan.AnswerChange;
import sh.kaiten.domain.admin.CatalogPlan.Change;
import sh.kaiten.domain.admin.CatalogPlan.FieldChange;
import sh.kaiten.domain.admin.CatalogPlan.LicenseChange;
import sh.kaiten.domain.admin.CatalogPlan.Refusal;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.outbox.ChangeRecords;

class CatalogPlansTest {
  private static final Instant NOW = CatalogTenant.NOW;

  /** The demo's catalog, as a file. */
  private static final String DEMO =
      """
      {"entitlements":[
        {"slug":"api-calls","name":"API calls","type":"NUMERIC",
         "metering":{"enforcement":"HARD","unit":"calls"}},
        {"slug":"sso","name":"Single sign-on","type":"BOOLEAN"},
        {"slug":"theme","name":"Theme","type":"CONFIG",
         "config_schema":{"type":"object","properties":{"color":{"type":"string"}}}}],
       "tiers":[
        {"slug":"free","name":"Free","rank":1,
         "entitlements":{"api-calls":1000,"sso":false,"theme":{"color":"gray"}}},
        {"slug":"pro","name":"Pro","rank":2,
         "entitlements":{"api-calls":100000,"sso":true,"theme":{"color":"indigo"}}}]}
      """;

  private final CatalogTenant tenant = new CatalogTenant(url -> {});
  private final InMemoryCatalog catalog = tenant.catalog;
  private final Administration admin = tenant.admin;
  private final CatalogPlans plans = tenant.plans;
  private final ApiToken token = tenant.token;

  @BeforeEach
  void demo() {
    tenant.applied(file(DEMO));
  }

  @Test
  void anExportedCatalogPlansNoChangeAndAppliesWithoutWriting() {
    ObjectNode exported = plans.export(token);
    license("pro", Map.of(), "acme-prod");
    catalog.outbox.events.clear();
    catalog.outbox.audit.clear();

    CatalogPlan plan = plans.plan(token, exported);
    assertThat(plan.changes()).isEmpty();
    assertThat(plan.licenses()).isEmpty();
    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.hash()).matches("[0-9a-f]{64}");

    plans.apply(token, exported, plan.hash());
    assertThat(catalog.outbox.events).isEmpty();
    assertThat(catalog.outbox.audit).isEmpty();
    assertThat(exported.path("tiers").get(1).path("entitlements").path("api-calls").asText())
        .isEqualTo("100000");
  }

  @Test
  void aDowngradeShowsEveryInstanceWhoseAnswerChanges() {
    String onPro = license("pro", Map.of(), "acme-prod", "acme-staging");
    license("pro", Map.of("api-calls", IntNode.valueOf(500000)), "beta-prod");
    license("free", Map.of(), "gamma-prod");
    ObjectNode file = plans.export(token);
    tierValues(file, "pro").put("api-calls", 50000);

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes())
        .containsExactly(
            new Change(
                Action.UPDATE,
                "tier",
                "pro",
                List.of(
                    new FieldChange(
                        "entitlements.api-calls",
                        IntNode.valueOf(100000),
                        IntNode.valueOf(50000)))));
    assertThat(plan.licenses()).hasSize(1);
    LicenseChange changed = plan.licenses().get(0);
    assertThat(changed.licenseId()).isEqualTo(onPro);
    assertThat(changed.customerName()).isEqualTo("acme-prod Co");
    assertThat(changed.tier()).isEqualTo("pro");
    assertThat(changed.instances()).containsExactly("acme-prod", "acme-staging");
    assertThat(changed.entitlements())
        .containsExactly(
            new AnswerChange(
                "api-calls",
                file(
                    "{\"enabled\":true,\"value\":100000,\"source\":\"TIER\",\"reason\":\"GRANTED\"}"),
                file(
                    "{\"enabled\":true,\"value\":50000,\"source\":\"TIER\",\"reason\":\"GRANTED\"}")));
    assertThat(plan.refusals()).isEmpty();
  }

  @Test
  void applyWritesEveryChangeWithOneAuditRecordCarryingThePlanHash() {
    ObjectNode file = plans.export(token);
    tierValues(file, "pro").put("api-calls", 50000);
    ((ArrayNode) file.path("entitlements"))
        .add(file("{\"slug\":\"seats\",\"name\":\"Seats\",\"type\":\"NUMERIC\"}"));
    ((ObjectNode) tierValues(file, "pro")).put("seats", 25);
    CatalogPlan plan = plans.plan(token, file);

    plans.apply(token, file, plan.hash());

    Tier pro = admin.catalog().tier(token, "pro");
    assertThat(pro.entitlements())
        .containsEntry("api-calls", new EntitlementValue.Quota(new java.math.BigDecimal("50000")))
        .containsKey("seats");
    assertThat(admin.catalog().entitlement(token, "seats").metering().unit()).isNull();
    assertThat(catalog.outbox.events.stream().map(Event::type).map(Object::toString))
        .containsExactly("ENTITLEMENT_CREATED", "TIER_UPDATED");
    assertThat(catalog.outbox.audit).hasSize(1);
    AuditRecord record = catalog.outbox.audit.get(0);
    assertThat(record.type()).isEqualTo("catalog.applied");
    // The record keeps the plan it applied: every change, each field before and after.
    JsonNode result = file(record.result());
    assertThat(result.path("id").asText()).isEqualTo(plan.hash());
    assertThat(result.path("licenses_changed").asInt()).isZero();
    JsonNode created = result.path("changes").get(0);
    assertThat(created.path("action").asText() + " " + created.path("kind").asText())
        .isEqualTo("CREATE entitlement");
    assertThat(created.path("slug").asText()).isEqualTo("seats");
    assertThat(created.path("fields")).hasSize(plan.changes().get(0).fields().size());
    assertThat(created.path("fields").get(0))
        .isEqualTo(file("{\"field\":\"name\",\"before\":null,\"after\":\"Seats\"}"));
    assertThat(result.path("changes").get(1))
        .isEqualTo(
            file(
                "{\"action\":\"UPDATE\",\"kind\":\"tier\",\"slug\":\"pro\",\"fields\":["
                    + "{\"field\":\"entitlements.api-calls\",\"before\":100000,\"after\":50000},"
                    + "{\"field\":\"entitlements.seats\",\"before\":null,\"after\":25}]}"));
    assertThat(result.path("changes")).hasSize(2);
  }

  @Test
  void aFailurePartWayLeavesTheCatalogAsItWas() {
    ObjectNode before = plans.export(token);
    ObjectNode file = before.deepCopy();
    tierValues(file, "pro").put("api-calls", 50000);
    ((ArrayNode) file.path("tiers"))
        .add(file("{\"slug\":\"team\",\"name\":\"Team\",\"rank\":3,\"entitlements\":{}}"));
    ((ArrayNode) file.path("entitlements"))
        .add(file("{\"slug\":\"seats\",\"name\":\"Seats\",\"type\":\"NUMERIC\"}"));
    // Another request creates tier team between the apply's check and its write: the apply's
    // third write fails, after its first two went through.
    CatalogChangeStore racing =
        (tenantId, changes, records) -> {
          catalog.createTier(
              tenantId, new Tier("team", "Team", 3, Map.of(), NOW), ChangeRecords.NONE);
          catalog.applyChanges(tenantId, changes, records);
        };
    CatalogPlans planning = tenant.plansOn(racing);
    String hash = planning.plan(token, file).hash();

    assertThatThrownBy(() -> planning.apply(token, file, hash))
        .isInstanceOf(ConflictException.class);

    catalog.deleteTier(token.tenantId(), "team", ChangeRecords.NONE);
    assertThat(plans.export(token)).isEqualTo(before);
    assertThat(catalog.outbox.events).isEmpty();
    assertThat(catalog.outbox.audit).isEmpty();
  }

  @Test
  void aPlanMadeBeforeAnotherChangeIsRefused() {
    ObjectNode file = plans.export(token);
    tierValues(file, "pro").put("api-calls", 50000);
    String hash = plans.plan(token, file).hash();
    Tier free = admin.catalog().tier(token, "free");
    admin.catalog().updateTier(token, free, new TierDraft("free", "Free forever", 1, Map.of()));

    assertThatThrownBy(() -> plans.apply(token, file, hash))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.field()).isEqualTo("plan_hash"))
        .hasMessageContaining("the catalog changed since this plan was made");
    assertThat(admin.catalog().tier(token, "pro").entitlements().get("api-calls"))
        .isEqualTo(new EntitlementValue.Quota(new java.math.BigDecimal("100000")));
  }

  @Test
  void anInvalidFileIsRefusedAtThePathOfTheBadField() {
    ObjectNode file = plans.export(token);
    ((ObjectNode) file.path("entitlements").get(0).path("metering")).put("aggregation", "SUMM");
    tenant.assertRefusedAt(file, "/entitlements/0/metering/aggregation");

    file = plans.export(token);
    ((ObjectNode) file.path("entitlements").get(0).path("metering")).put("shards", 4);
    tenant.assertRefusedAt(file, "/entitlements/0/metering/shards");

    file = plans.export(token);
    tierValues(file, "free").put("sso", "yes");
    tenant.assertRefusedAt(file, "/tiers/0/entitlements/sso");

    file = plans.export(token);
    tierValues(file, "free").put("seats", 3);
    tenant.assertRefusedAt(file, "/tiers/0/entitlements/seats");

    file = plans.export(token);
    ((ObjectNode) file.path("tiers").get(1)).remove("rank");
    tenant.assertRefusedAt(file, "/tiers/1/rank");
  }

  @Test
  void deletingWhatLicensesHoldIsRefusedNamingThem() {
    String onFree = license("free", Map.of(), "gamma-prod");
    String overriding = license("pro", Map.of("theme", file("{\"color\":\"red\"}")));
    ObjectNode file = plans.export(token);
    ((ArrayNode) file.path("tiers")).remove(0);
    ((ArrayNode) file.path("entitlements")).remove(2);
    tierValues(file, "pro").remove("theme");

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.refusals())
        .extracting(Refusal::path, Refusal::licenses)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/entitlements", List.of(overriding)),
            org.assertj.core.groups.Tuple.tuple("/tiers", List.of(onFree)));
    assertThatThrownBy(() -> plans.apply(token, file, plan.hash()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("tier 'free' cannot be deleted: 1 license(s) are on it");
    assertThat(admin.catalog().tier(token, "free").slug()).isEqualTo("free");
  }

  @Test
  void aFieldFixedOnceCreatedIsRefusedInThePlan() {
    ObjectNode file = plans.export(token);
    ((ObjectNode) file.path("entitlements").get(0).path("metering")).put("aggregation", "MAX");
    ((ObjectNode) file.path("entitlements").get(0).path("metering")).put("unit", "requests");

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes().get(0).fields())
        .extracting(FieldChange::field)
        .containsExactly("metering.aggregation", "metering.unit");
    assertThat(plan.refusals())
        .extracting(Refusal::path)
        .containsExactly("/entitlements/0/metering/aggregation");
    assertThat(plan.applicable()).isFalse();
  }

  @Test
  void aSuspendedLicenseIsAnsweredTheSameWhateverTheTierSays() {
    String suspended = license("pro", Map.of(), "acme-prod");
    admin
        .licenses()
        .updateLicense(
            token,
            suspended,
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));
    ObjectNode file = plans.export(token);
    tierValues(file, "pro").put("sso", false);

    assertThat(plans.plan(token, file).licenses()).isEmpty();
  }

  /** A license on {@code tier} for a customer named after its first instance ("acme-prod Co"). */
  private String license(String tier, Map<String, JsonNode> overrides, String... instances) {
    String name = instances.length == 0 ? "Customer" : instances[0] + " Co";
    String customer = admin.customers().createCustomer(token, name, Map.of()).id();
    String license =
        admin
            .licenses()
            .createLicense(
                token,
                new LicenseDraft(customer, tier, LicenseStatus.ACTIVE, null, null, null, overrides))
            .id();
    for (String instance : instances) {
      admin.instances().createInstance(token, instance, license, instance, Map.of());
    }
    return license;
  }

  private static ObjectNode tierValues(ObjectNode file, String tier) {
    for (JsonNode node : file.path("tiers")) {
      if (node.path("slug").asText().equals(tier)) {
        return (ObjectNode) node.path("entitlements");
      }
    }
    throw new AssertionError("no tier " + tier);
  }

  private static JsonNode file(String json) {
    return CatalogTenant.file(json);
  }
}
