package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.local.api.ApiContract;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * Tenant isolation over HTTP, through every route the template declares: tenant B's admin token on
 * tenant A's objects finds nothing, and an instance token is refused on every admin endpoint. The
 * request table must cover every HttpApi route, so a new endpoint cannot escape this test.
 */
class TenantIsolationIT {
  @TempDir Path dir;

  /** One request of the walk: the template route it exercises, and what it sends. */
  record Call(String route, String method, String path, String body) {}

  @Test
  void anotherTenantFindsNothingOfOursAndAnInstanceTokenManagesNothing() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      JsonNode state = local.state();
      String adminA = state.path("admin_token").asText();
      String instanceA = local.instanceToken();
      String customer = state.path("demo").path("customer_id").asText();
      String license = state.path("demo").path("license_id").asText();
      String tokenId =
          local
              .ok(local.send("GET", "/api/tokens", adminA, null))
              .path("tokens")
              .get(0)
              .path("id")
              .asText();
      HttpResponse<String> tenantB =
          local.send(
              "POST",
              "/api/tenants",
              state.path("bootstrap_secret").asText(),
              "{\"name\":\"Tenant B\"}");
      assertThat(tenantB.statusCode()).isEqualTo(201);
      String adminB = local.json(tenantB).path("admin_token").path("token").asText();

      // A webhook of A's and one of its deliveries (kaiten-local allows local receivers; none
      // listens on port 9).
      // It subscribes to an event nothing here fires: the fan-out also serves events published
      // before it existed.
      String webhook =
          local
              .json(
                  local.send(
                      "POST",
                      "/api/webhooks",
                      adminA,
                      "{\"url\":\"http://127.0.0.1:9/a\",\"description\":\"A's\",\"event_types\":[\"usage.period_closed\"]}"))
              .path("id")
              .asText();
      String delivery =
          local
              .json(local.send("POST", "/api/webhooks/" + webhook + "/test", adminA, null))
              .path("id")
              .asText();
      assertThat(webhook).startsWith("wh_");
      assertThat(delivery).startsWith("dlv_");
      // A's CRM connector: B, which has none, must not find it.
      assertThat(
              local
                  .send(
                      "PUT",
                      "/api/connectors/crm",
                      adminA,
                      "{\"url\":\"http://127.0.0.1:9/a-crm\"}")
                  .statusCode())
          .isEqualTo(201);

      String report = "{\"entitlement_slug\":\"api-calls\",\"value\":1}";
      // A has usage this period, so an export that crossed tenants would show it.
      assertThat(
              local.send("POST", "/api/instances/acme-prod/usage", instanceA, report).statusCode())
          .isEqualTo(200);
      Instant to = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
      Instant from = to.minus(Duration.ofDays(300));
      String context = "{\"context\":{\"targetingKey\":\"acme-prod\"}}";
      // Our objects, addressed by path: B gets 404 (OFREP answers its own way, 400
      // INVALID_CONTEXT).
      String rename = "{\"name\":\"B was here\"}";
      List<Call> oursToManage =
          List.of(
              new Call("/api/entitlements/{slug}", "GET", "/api/entitlements/api-calls", null),
              new Call("/api/entitlements/{slug}", "PATCH", "/api/entitlements/api-calls", rename),
              new Call("/api/entitlements/{slug}", "DELETE", "/api/entitlements/api-calls", null),
              new Call("/api/tiers/{slug}", "GET", "/api/tiers/pro", null),
              new Call("/api/tiers/{slug}", "PATCH", "/api/tiers/pro", rename),
              new Call("/api/tiers/{slug}", "DELETE", "/api/tiers/pro", null),
              new Call("/api/customers/{id}", "GET", "/api/customers/" + customer, null),
              new Call("/api/customers/{id}", "PATCH", "/api/customers/" + customer, rename),
              new Call("/api/customers/{id}", "DELETE", "/api/customers/" + customer, null),
              new Call("/api/licenses/{id}", "GET", "/api/licenses/" + license, null),
              new Call(
                  "/api/licenses/{id}", "PATCH", "/api/licenses/" + license, "{\"tier\":\"free\"}"),
              new Call("/api/licenses/{id}", "DELETE", "/api/licenses/" + license, null),
              new Call("/api/instances/{id}", "GET", "/api/instances/acme-prod", null),
              new Call("/api/instances/{id}", "PATCH", "/api/instances/acme-prod", rename),
              new Call("/api/instances/{id}", "DELETE", "/api/instances/acme-prod", null),
              new Call("/api/instances/{id}/token", "POST", "/api/instances/acme-prod/token", null),
              new Call("/api/tokens/{id}", "DELETE", "/api/tokens/" + tokenId, null),
              new Call(
                  "/api/instances/{id}/usage/history",
                  "GET",
                  "/api/instances/acme-prod/usage/history",
                  null),
              new Call(
                  "/api/licenses/{id}/usage/history",
                  "GET",
                  "/api/licenses/" + license + "/usage/history",
                  null));
      List<Call> ours =
          concat(
              oursToManage,
              List.of(
                  new Call(
                      "/api/instances/{id}/entitlements",
                      "GET",
                      "/api/instances/acme-prod/entitlements",
                      null),
                  new Call(
                      "/api/instances/{id}/entitlements/{slug}",
                      "GET",
                      "/api/instances/acme-prod/entitlements/sso",
                      null),
                  new Call(
                      "/api/instances/{id}/entitlements/{slug}/usage",
                      "GET",
                      "/api/instances/acme-prod/entitlements/api-calls/usage",
                      null),
                  new Call(
                      "/api/instances/{id}/usage",
                      "POST",
                      "/api/instances/acme-prod/usage",
                      report),
                  new Call(
                      "/api/instances/{id}/usage", "GET", "/api/instances/acme-prod/usage", null),
                  new Call(
                      "/api/instances/{id}/snapshot",
                      "GET",
                      "/api/instances/acme-prod/snapshot",
                      null),
                  new Call(
                      "/api/instances/{id}/usage/batch",
                      "POST",
                      "/api/instances/acme-prod/usage/batch",
                      "{\"events\":[" + report + "]}"),
                  new Call(
                      "/api/instances/{id}/leases",
                      "POST",
                      "/api/instances/acme-prod/leases",
                      "{\"entitlement_slug\":\"api-calls\",\"units\":1}"),
                  new Call(
                      "/api/instances/{id}/leases/{entitlement}/{lease_id}",
                      "DELETE",
                      "/api/instances/acme-prod/leases/api-calls/lse_0123456789abcdefghjkmnpqrs",
                      null)));
      // A's webhook, addressed by path on every webhook route: B gets 404, an instance token 403.
      List<Call> ourWebhooks =
          List.of(
              new Call("/api/webhooks/{id}", "GET", "/api/webhooks/" + webhook, null),
              new Call(
                  "/api/webhooks/{id}",
                  "PATCH",
                  "/api/webhooks/" + webhook,
                  "{\"description\":\"B's now\"}"),
              new Call(
                  "/api/webhooks/{id}/rotate-secret",
                  "POST",
                  "/api/webhooks/" + webhook + "/rotate-secret",
                  null),
              new Call(
                  "/api/webhooks/{id}/test", "POST", "/api/webhooks/" + webhook + "/test", null),
              new Call(
                  "/api/webhooks/{id}/deliveries",
                  "GET",
                  "/api/webhooks/" + webhook + "/deliveries",
                  null),
              new Call(
                  "/api/webhooks/{id}/deliveries/{delivery_id}/redeliver",
                  "POST",
                  "/api/webhooks/" + webhook + "/deliveries/" + delivery + "/redeliver",
                  null),
              new Call("/api/webhooks/{id}", "DELETE", "/api/webhooks/" + webhook, null));
      List<Call> ofrep =
          List.of(
              new Call(
                  "/ofrep/v1/evaluate/flags/{key}",
                  "POST",
                  "/ofrep/v1/evaluate/flags/sso",
                  context),
              new Call("/ofrep/v1/evaluate/flags", "POST", "/ofrep/v1/evaluate/flags", context));
      // Our objects, referenced in a body: unknown references are 422, as everywhere.
      List<Call> referenced =
          List.of(
              new Call(
                  "/api/licenses",
                  "POST",
                  "/api/licenses",
                  "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}"),
              new Call(
                  "/api/instances",
                  "POST",
                  "/api/instances",
                  "{\"id\":\"b-prod\",\"license_id\":\"" + license + "\"}"));
      // Routes that address no object of ours: B works in its own tenant.
      List<Call> own =
          List.of(
              new Call("/api/tenants", "POST", "/api/tenants", null),
              new Call(
                  "/api/entitlements",
                  "POST",
                  "/api/entitlements",
                  "{\"slug\":\"api-calls\",\"name\":\"B\",\"type\":\"BOOLEAN\"}"),
              new Call(
                  "/api/tiers",
                  "POST",
                  "/api/tiers",
                  "{\"slug\":\"pro\",\"name\":\"B\",\"rank\":1}"),
              new Call("/api/customers", "POST", "/api/customers", "{\"name\":\"B's customer\"}"),
              new Call("/api/tokens", "GET", "/api/tokens", null),
              // B's own Stripe connector (it has none); A's is never B's to read.
              new Call("/api/connectors/stripe", "GET", "/api/connectors/stripe", null),
              // B's own CRM connector (it has none; A's is not B's).
              new Call("/api/connectors/crm", "GET", "/api/connectors/crm", null),
              new Call("/api/connectors/crm/status", "GET", "/api/connectors/crm/status", null),
              new Call(
                  "/api/connectors/stripe/status", "GET", "/api/connectors/stripe/status", null),
              new Call(
                  "/api/connectors/stripe/backfill",
                  "POST",
                  "/api/connectors/stripe/backfill",
                  "{\"from\":\"" + Instant.now().minus(Duration.ofDays(1)) + "\"}"),
              new Call(
                  "/api/connectors/stripe/reconciliation",
                  "POST",
                  "/api/connectors/stripe/reconciliation",
                  "{\"from\":\""
                      + Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES)
                      + "\"}"),
              new Call(
                  "/api/webhooks",
                  "POST",
                  "/api/webhooks",
                  "{\"url\":\"http://127.0.0.1:9/b\",\"event_types\":[\"*\"]}"),
              new Call("/api/catalog", "GET", "/api/catalog", null),
              new Call("/api/catalog/plan", "POST", "/api/catalog/plan", "{\"entitlements\":[]}"),
              new Call(
                  "/api/catalog/apply",
                  "POST",
                  "/api/catalog/apply?plan_hash=0",
                  "{\"entitlements\":[]}"),
              new Call("/api/audit", "GET", "/api/audit?limit=200", null),
              new Call(
                  "/api/audit/verify",
                  "GET",
                  "/api/audit/verify?from=" + Instant.now().minus(Duration.ofDays(1)),
                  null),
              new Call("/api/instances/{id}/audit", "GET", "/api/instances/acme-prod/audit", null),
              new Call(
                  "/api/usage/export",
                  "GET",
                  "/api/usage/export?from=" + from + "&to=" + to,
                  null));

      SoftAssertions softly = new SoftAssertions();
      for (Call call : concat(ours, ourWebhooks)) {
        softly
            .assertThat(local.send(call.method(), call.path(), adminB, call.body()).statusCode())
            .as("tenant B: %s %s", call.method(), call.path())
            .isEqualTo(404);
      }
      for (Call call : ofrep) {
        HttpResponse<String> answer = local.send(call.method(), call.path(), adminB, call.body());
        softly.assertThat(answer.statusCode()).as("tenant B: %s", call.path()).isEqualTo(400);
        softly
            .assertThat(local.json(answer).path("errorCode").asText())
            .isEqualTo("INVALID_CONTEXT");
      }
      for (Call call : referenced) {
        softly
            .assertThat(local.send(call.method(), call.path(), adminB, call.body()).statusCode())
            .as("tenant B: %s %s", call.method(), call.path())
            .isEqualTo(422);
      }
      softly
          .assertThat(
              local.send("POST", "/api/entitlements", adminB, own.get(1).body()).statusCode())
          .isEqualTo(201);
      softly
          .assertThat(local.ok(local.send("GET", "/api/tokens", adminB, null)).toString())
          .doesNotContain(tokenId);
      softly
          .assertThat(local.send("GET", "/api/connectors/crm", adminB, null).statusCode())
          .as("tenant B has no CRM connector, whatever A has")
          .isEqualTo(404);
      softly
          .assertThat(local.send("GET", "/api/connectors/crm/status", adminB, null).statusCode())
          .as("nor its status")
          .isEqualTo(404);
      Call reconciliation =
          own.stream()
              .filter(call -> call.route().endsWith("/reconciliation"))
              .findFirst()
              .orElseThrow();
      softly
          .assertThat(
              local
                  .send(
                      reconciliation.method(), reconciliation.path(), adminB, reconciliation.body())
                  .statusCode())
          .as("tenant B has no Stripe connector of its own to reconcile")
          .isEqualTo(404);
      HttpResponse<String> export = local.send("GET", own.get(own.size() - 1).path(), adminB, null);
      softly.assertThat(export.statusCode()).as("tenant B exports its own usage").isEqualTo(200);
      softly.assertThat(export.body()).as("tenant B's export holds none of ours").isEmpty();
      softly
          .assertThat(local.send("GET", own.get(own.size() - 1).path(), adminA, null).body())
          .as("A's own export")
          .contains("\"holder\":\"instance:acme-prod\"");
      softly
          .assertThat(local.ok(local.send("GET", "/api/catalog", adminB, null)).toString())
          .as("tenant B's catalog: its own entitlement, none of A's")
          .contains("\"name\":\"B\"")
          .doesNotContain("theme")
          .doesNotContain("indigo");
      // The audit trail: B reads its own, none of A's (A's instance has none in B's trail)
      softly
          .assertThat(local.ok(local.send("GET", "/api/audit?limit=200", adminB, null)).toString())
          .as("tenant B's trail")
          .doesNotContain("acme-prod")
          .doesNotContain(customer);
      softly
          .assertThat(
              local.send("GET", "/api/instances/acme-prod/audit", adminB, null).statusCode())
          .as("tenant B asks for A's instance trail: no such instance")
          .isEqualTo(404);
      softly
          .assertThat(
              local
                  .ok(local.send("GET", "/api/instances/acme-prod/audit", adminA, null))
                  .path("items")
                  .size())
          .as("A's instance trail")
          .isPositive();
      softly
          .assertThat(
              local
                  .ok(
                      local.send(
                          "GET",
                          "/api/audit/verify?from=" + Instant.now().minus(Duration.ofDays(1)),
                          adminB,
                          null))
                  .path("valid")
                  .asBoolean())
          .as("B verifies its own trail")
          .isTrue();
      for (String list :
          List.of(
              "/api/tiers", "/api/customers", "/api/licenses", "/api/instances", "/api/webhooks")) {
        softly
            .assertThat(local.ok(local.send("GET", list, adminB, null)).path("items").size())
            .as("tenant B lists %s", list)
            .isZero();
        softly
            .assertThat(local.send("GET", list, instanceA, null).statusCode())
            .as("instance token lists %s", list)
            .isEqualTo(403);
      }

      // An instance token on every admin endpoint: 403 (bootstrap wants the deployment's secret:
      // 401).
      for (Call call : concat(oursToManage, ourWebhooks, referenced, own)) {
        int expected = call.route().equals("/api/tenants") ? 401 : 403;
        softly
            .assertThat(local.send(call.method(), call.path(), instanceA, call.body()).statusCode())
            .as("instance token: %s %s", call.method(), call.path())
            .isEqualTo(expected);
      }
      // Nothing of A's changed.
      softly
          .assertThat(
              local
                  .ok(local.send("GET", "/api/licenses/" + license, adminA, null))
                  .path("tier")
                  .asText())
          .isEqualTo("pro");
      for (String path :
          List.of(
              "/api/entitlements/api-calls",
              "/api/tiers/pro",
              "/api/customers/" + customer,
              "/api/instances/acme-prod")) {
        softly
            .assertThat(local.ok(local.send("GET", path, adminA, null)).path("name").asText())
            .as(path)
            .isNotEqualTo("B was here");
      }
      softly
          .assertThat(
              local
                  .send("GET", "/api/instances/acme-prod/entitlements/sso", instanceA, null)
                  .statusCode())
          .isEqualTo(200);
      JsonNode ourWebhook = local.ok(local.send("GET", "/api/webhooks/" + webhook, adminA, null));
      softly.assertThat(ourWebhook.path("description").asText()).isEqualTo("A's");
      softly
          .assertThat(ourWebhook.path("previous_secret_expires_at").isNull())
          .as("A's secret was not rotated")
          .isTrue();
      softly
          .assertThat(
              local
                  .ok(local.send("GET", "/api/webhooks/" + webhook + "/deliveries", adminA, null))
                  .path("items")
                  .size())
          .as("A's webhook got no test from B")
          .isEqualTo(1);
      softly.assertAll();

      Set<String> walked = new TreeSet<>();
      concat(ours, ourWebhooks, ofrep, referenced, own).forEach(call -> walked.add(call.route()));
      assertThat(walked)
          .as("every HttpApi route of template.yaml is walked")
          .isEqualTo(templateRoutes());
    }
  }

  @SafeVarargs
  private static List<Call> concat(List<Call>... lists) {
    List<Call> all = new ArrayList<>();
    for (List<Call> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> templateRoutes() {
    Set<String> routes = new TreeSet<>();
    CloudFormationTemplate.read(RunningKaitenLocal.ROOT.resolve("template.yaml"))
        .resourcesOfType("AWS::Serverless::Function")
        .values()
        .forEach(
            function -> {
              Map<String, Object> properties = (Map<String, Object>) function.get("Properties");
              Map<String, Object> events =
                  (Map<String, Object>) properties.getOrDefault("Events", Map.of());
              TemplateEvents.enabled(events, "HttpApi")
                  .values()
                  .forEach(route -> routes.add((String) route.get("Path")));
            });
    // The console's pages answer a session cookie, not a bearer token: ConsoleBrowserIT and
    // ConsoleTest hold another tenant's ids to 404 there.
    routes.removeIf(ApiContract::consoleRoute);
    return routes;
  }
}
