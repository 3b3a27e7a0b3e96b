package sh.kaiten.domain.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CatalogPlan.Action;
import sh.kaiten.domain.admin.CatalogPlan.Change;
import sh.kaiten.domain.admin.CatalogPlan.FieldChange;
import sh.kaiten.domain.admin.CatalogPlan.Refusal;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.webhooks.WebhookDraft;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookPatch;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;

/** Webhook endpoints in the catalog file: exported, planned, applied with the catalog's changes. */
class CatalogWebhooksTest {
  private static final Instant NOW = CatalogTenant.NOW;
  private static final String BILLING = "https://billing.example.com/kaiten";
  private static final String CRM = "https://crm.example.com/hooks";
  private static final String SLACK = "https://slack.example.com/kaiten";

  /** As the deployment's policy: https only (no host is resolved here). */
  private static final WebhookUrlPolicy HTTPS_ONLY =
      url -> {
        if (!url.startsWith("https://")) {
          throw new InvalidInputException("url", "url must be an https URL");
        }
      };

  private final CatalogTenant tenant = new CatalogTenant(HTTPS_ONLY);
  private final InMemoryCatalog catalog = tenant.catalog;
  private final Administration admin = tenant.admin;
  private final CatalogPlans plans = tenant.plans;
  private final ApiToken token = tenant.token;
  private final Webhooks webhooks =
      new Webhooks(
          catalog.webhooks, HTTPS_ONLY, tenant.journal, tenant.clock, Duration.ofHours(24));
  private WebhookEndpoint billing;
  private WebhookEndpoint crm;

  @BeforeEach
  void tenantWithTwoEndpoints() {
    JsonNode tiers =
        file(
            """
            {"entitlements":[{"slug":"sso","name":"Single sign-on","type":"BOOLEAN"}],
             "tiers":[{"slug":"pro","name":"Pro","rank":2,"entitlements":{"sso":true}}]}
            """);
    tenant.applied(tiers);
    billing =
        webhooks
            .create(
                token,
                new WebhookDraft(
                    BILLING, "Billing", List.of("usage.limit_reached", "license.upgraded")))
            .endpoint();
    crm = webhooks.create(token, new WebhookDraft(CRM, null, List.of("*"))).endpoint();
  }

  @Test
  void anExportHoldsTheEndpointsWithoutSecretsAndPlansNoChange() {
    ObjectNode exported = plans.export(token);

    assertThat(exported.get("webhooks"))
        .isEqualTo(
            file(
                """
                [{"url":"https://billing.example.com/kaiten","description":"Billing",
                  "event_types":["license.upgraded","usage.limit_reached"]},
                 {"url":"https://crm.example.com/hooks","event_types":["*"]}]
                """));
    assertThat(exported.toString()).doesNotContain("whsec_").doesNotContain(billing.id());

    CatalogPlan plan = plans.plan(token, exported);
    assertThat(plan.changes()).isEmpty();
    assertThat(plan.refusals()).isEmpty();
    plans.apply(token, exported, plan.hash());
    assertThat(catalog.outbox.audit).isEmpty();
    assertThat(catalog.webhooks.allEndpoints(token.tenantId()))
        .containsExactlyInAnyOrder(billing, crm);
  }

  @Test
  void aFileWithoutWebhooksLeavesTheEndpointsAlone() {
    ObjectNode file = plans.export(token);
    file.remove("webhooks");
    ((ObjectNode) file.path("tiers").get(0)).put("name", "Professional");

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes()).extracting(Change::kind).containsExactly("tier");
    plans.apply(token, file, plan.hash());
    assertThat(catalog.webhooks.allEndpoints(token.tenantId()))
        .containsExactlyInAnyOrder(billing, crm);
  }

  @Test
  void aChangedEndpointShowsEachFieldBeforeAndAfterAndKeepsItsIdAndSecret() {
    ObjectNode file = plans.export(token);
    ObjectNode endpoint = (ObjectNode) file.path("webhooks").get(0);
    endpoint.put("description", "Billing (Stripe)");
    endpoint.set("event_types", file("[\"usage.limit_reached\",\"tier.updated\"]"));

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes())
        .containsExactly(
            new Change(
                Action.UPDATE,
                "webhook",
                BILLING,
                List.of(
                    new FieldChange(
                        "description",
                        TextNode.valueOf("Billing"),
                        TextNode.valueOf("Billing (Stripe)")),
                    new FieldChange(
                        "event_types",
                        file("[\"license.upgraded\",\"usage.limit_reached\"]"),
                        file("[\"tier.updated\",\"usage.limit_reached\"]")))));
    assertThat(plan.licenses()).isEmpty();

    plans.apply(token, file, plan.hash());

    WebhookEndpoint applied = webhooks.endpoint(token, billing.id());
    assertThat(applied.description()).isEqualTo("Billing (Stripe)");
    assertThat(applied.eventTypes()).containsExactly("usage.limit_reached", "tier.updated");
    assertThat(applied.secret()).isEqualTo(billing.secret());
    assertThat(applied.createdAt()).isEqualTo(billing.createdAt());
    assertThat(applied.updatedAt()).isAfter(billing.updatedAt());
    assertThat(catalog.outbox.events).isEmpty();
    assertThat(catalog.outbox.audit).hasSize(1);
    AuditRecord record = catalog.outbox.audit.get(0);
    assertThat(record.type()).isEqualTo("catalog.applied");
    assertThat(record.result()).contains(plan.hash());
    assertThat(plans.plan(token, file).changes()).isEmpty();
  }

  @Test
  void anEndpointNoLongerListedIsDeletedAndANewUrlIsANewEndpointWithItsOwnSecret() {
    ObjectNode file = plans.export(token);
    ((ArrayNode) file.path("webhooks")).remove(1);
    ((ArrayNode) file.path("webhooks"))
        .add(file("{\"url\":\"" + SLACK + "\",\"event_types\":[\"trial.ending_soon\"]}"));

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes())
        .containsExactly(
            new Change(
                Action.CREATE,
                "webhook",
                SLACK,
                List.of(new FieldChange("event_types", null, file("[\"trial.ending_soon\"]")))),
            new Change(
                Action.DELETE,
                "webhook",
                CRM,
                List.of(new FieldChange("event_types", file("[\"*\"]"), null))));

    plans.apply(token, file, plan.hash());

    List<WebhookEndpoint> endpoints = catalog.webhooks.allEndpoints(token.tenantId());
    assertThat(endpoints)
        .extracting(WebhookEndpoint::url)
        .containsExactlyInAnyOrder(BILLING, SLACK);
    WebhookEndpoint slack =
        endpoints.stream().filter(e -> e.url().equals(SLACK)).findFirst().orElseThrow();
    assertThat(slack.id()).startsWith("wh_");
    assertThat(slack.secret()).startsWith("whsec_").isNotIn(billing.secret(), crm.secret());
    assertThat(slack.eventTypes()).containsExactly("trial.ending_soon");
    assertThat(slack.description()).isNull();
    assertThat(catalog.outbox.audit).hasSize(1);
    assertThat(plans.plan(token, file).changes()).isEmpty();
  }

  @Test
  void anEmptyWebhooksSectionDeletesEveryEndpoint() {
    ObjectNode file = plans.export(token);
    file.putArray("webhooks");

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.changes())
        .extracting(Change::action, Change::slug)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Action.DELETE, BILLING),
            org.assertj.core.groups.Tuple.tuple(Action.DELETE, CRM));
    plans.apply(token, file, plan.hash());
    assertThat(catalog.webhooks.allEndpoints(token.tenantId())).isEmpty();
  }

  @Test
  void anInvalidEndpointIsRefusedAtThePathOfTheBadField() {
    ObjectNode file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(1)).put("url", "http://crm.example.com/hooks");
    tenant.assertRefusedAt(file, "/webhooks/1/url");

    file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(0))
        .set("event_types", file("[\"license.upgraded\",\"license.exploded\"]"));
    tenant.assertRefusedAt(file, "/webhooks/0/event_types/1");

    file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(0)).put("secret", "whsec_c2VjcmV0");
    tenant.assertRefusedAt(file, "/webhooks/0/secret");

    file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(0)).remove("url");
    tenant.assertRefusedAt(file, "/webhooks/0/url");

    file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(1)).put("url", BILLING);
    tenant.assertRefusedAt(file, "/webhooks/1/url");

    file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(0)).putArray("event_types");
    tenant.assertRefusedAt(file, "/webhooks/0/event_types");

    assertThat(catalog.webhooks.allEndpoints(token.tenantId()))
        .containsExactlyInAnyOrder(billing, crm);
  }

  @Test
  void twoEndpointsOnOneUrlAreRefusedNamingThem() {
    WebhookEndpoint twin =
        webhooks.create(token, new WebhookDraft(CRM, "Twin", List.of("*"))).endpoint();
    ObjectNode file = plans.export(token);
    ((ArrayNode) file.path("webhooks")).remove(2);

    CatalogPlan plan = plans.plan(token, file);

    assertThat(plan.refusals())
        .containsExactly(
            new Refusal(
                "/webhooks/1/url",
                "webhook '"
                    + CRM
                    + "': 2 endpoints deliver to it ("
                    + String.join(
                        ", ", java.util.stream.Stream.of(crm.id(), twin.id()).sorted().toList())
                    + "); delete all but one through the API first",
                List.of()));
    assertThatThrownBy(() -> plans.apply(token, file, plan.hash()))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void aPlanMadeBeforeAnEndpointChangedIsRefused() {
    ObjectNode file = plans.export(token);
    ((ObjectNode) file.path("webhooks").get(0)).put("description", "Billing (Stripe)");
    String hash = plans.plan(token, file).hash();
    webhooks.update(token, billing.id(), new WebhookPatch(null, true, "Invoices", null));

    assertThatThrownBy(() -> plans.apply(token, file, hash))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.field()).isEqualTo("plan_hash"));
    assertThat(webhooks.endpoint(token, billing.id()).description()).isEqualTo("Invoices");
  }

  @Test
  void aFailurePartWayLeavesTheCatalogAndTheEndpointsAsTheyWere() {
    ObjectNode file = plans.export(token);
    ((ObjectNode) file.path("tiers").get(0)).put("name", "Professional");
    ((ArrayNode) file.path("webhooks"))
        .add(file("{\"url\":\"" + SLACK + "\",\"event_types\":[\"*\"]}"));
    ((ObjectNode) file.path("webhooks").get(1)).put("description", "CRM");
    // Another request changes the CRM endpoint between the apply's check and its write: the
    // apply's last write fails, after its first ones went through.
    CatalogChangeStore racing =
        (tenantId, changes, records) -> {
          catalog.webhooks.updateEndpoint(
              tenantId,
              new WebhookEndpoint(
                  crm.id(),
                  crm.url(),
                  "Raced",
                  crm.eventTypes(),
                  crm.secret(),
                  null,
                  null,
                  crm.createdAt(),
                  NOW.plusSeconds(1)),
              crm.updatedAt(),
              ChangeRecords.NONE);
          catalog.applyChanges(tenantId, changes, records);
        };
    CatalogPlans planning = tenant.plansOn(racing);
    String hash = planning.plan(token, file).hash();

    assertThatThrownBy(() -> planning.apply(token, file, hash))
        .isInstanceOf(ConflictException.class);

    assertThat(admin.catalog().tier(token, "pro")).extracting(Tier::name).isEqualTo("Pro");
    assertThat(catalog.webhooks.allEndpoints(token.tenantId()))
        .extracting(WebhookEndpoint::url, WebhookEndpoint::description)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(BILLING, "Billing"),
            org.assertj.core.groups.Tuple.tuple(CRM, "Raced"));
    assertThat(catalog.outbox.audit).isEmpty();
  }

  private static JsonNode file(String json) {
    return CatalogTenant.file(json);
  }
}
