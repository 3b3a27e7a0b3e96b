package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.local.api.ApiAnswers;

/**
 * The running stack keeps the published contract (docs/api/openapi.yaml): every operation's
 * success, and a problem of every route family, checked for status, content type and body schema.
 */
class ApiContractIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSTANCE = "acme-prod";

  @TempDir Path dir;

  private final ApiAnswers contract = ApiAnswers.ofCommittedDocument();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> breaches = new ArrayList<>();
  private final Set<String> succeeded = new TreeSet<>();
  private RunningKaitenLocal local;

  @Test
  void everyOperationAnswersAsTheContractSays() throws Exception {
    try (RunningKaitenLocal running = RunningKaitenLocal.start(dir, "--in-memory")) {
      local = running;
      JsonNode state = local.state();
      String admin = state.path("admin_token").asText();
      String instance = state.path("demo").path("instance_token").asText();
      String license = state.path("demo").path("license_id").asText();
      String customer = state.path("demo").path("customer_id").asText();

      // evaluate, usage state, OFREP
      call(200, "GET", "/api/instances/{id}/entitlements", instance, null, INSTANCE);
      call(
          200, "GET", "/api/instances/{id}/entitlements/{slug}", instance, null, INSTANCE, "theme");
      call(
          404,
          "GET",
          "/api/instances/{id}/entitlements/{slug}",
          instance,
          null,
          INSTANCE,
          "nothing-such");
      call(
          200,
          "GET",
          "/api/instances/{id}/entitlements/{slug}/usage",
          instance,
          null,
          INSTANCE,
          "api-calls");
      call(200, "GET", "/api/instances/{id}/usage", instance, null, INSTANCE);
      call(403, "GET", "/api/instances/{id}/usage", instance, null, "someone-else");
      String context = "{\"context\":{\"targetingKey\":\"" + INSTANCE + "\"}}";
      call(200, "POST", "/ofrep/v1/evaluate/flags/{key}", instance, context, "sso");
      call(404, "POST", "/ofrep/v1/evaluate/flags/{key}", instance, context, "nothing-such");
      call(200, "POST", "/ofrep/v1/evaluate/flags", instance, context);
      call(400, "POST", "/ofrep/v1/evaluate/flags", instance, "{\"context\":{}}");

      // snapshot
      String etag =
          call(200, "GET", "/api/instances/{id}/snapshot", instance, null, INSTANCE)
              .headers()
              .firstValue("ETag")
              .orElseThrow();
      answer(304, "GET", "/api/instances/{id}/snapshot", instance, null, etag, INSTANCE);
      call(401, "GET", "/api/instances/{id}/snapshot", "ksh_unknown", null, INSTANCE);

      // usage report, batch
      call(
          200,
          "POST",
          "/api/instances/{id}/usage",
          instance,
          "{\"entitlement_slug\":\"api-calls\",\"value\":3}",
          INSTANCE);
      call(
          400,
          "POST",
          "/api/instances/{id}/usage",
          instance,
          "{\"entitlement_slug\":\"api-calls\",\"value\":-1}",
          INSTANCE);
      call(
          200,
          "POST",
          "/api/instances/{id}/usage/batch",
          instance,
          "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1},{\"entitlement_slug\":\"api-calls\",\"value\":2}]}",
          INSTANCE);
      call(
          400,
          "POST",
          "/api/instances/{id}/usage/batch",
          instance,
          "{\"events\":[], \"extra\":1}",
          INSTANCE);

      // leases
      String lease =
          json(call(
                  200,
                  "POST",
                  "/api/instances/{id}/leases",
                  instance,
                  "{\"entitlement_slug\":\"api-calls\",\"units\":10,\"ttl_seconds\":60}",
                  INSTANCE))
              .path("lease_id")
              .asText();
      call(
          200,
          "DELETE",
          "/api/instances/{id}/leases/{entitlement}/{lease_id}",
          instance,
          null,
          INSTANCE,
          "api-calls",
          lease);
      call(
          400,
          "POST",
          "/api/instances/{id}/leases",
          instance,
          "{\"entitlement_slug\":\"api-calls\"}",
          INSTANCE);

      // admin CRUD
      call(
          201,
          "POST",
          "/api/entitlements",
          admin,
          "{\"slug\":\"seats\",\"name\":\"Seats\",\"type\":\"NUMERIC\"}");
      call(
          409,
          "POST",
          "/api/entitlements",
          admin,
          "{\"slug\":\"seats\",\"name\":\"Seats\",\"type\":\"NUMERIC\"}");
      call(200, "GET", "/api/entitlements", admin, null);
      call(200, "GET", "/api/entitlements/{slug}", admin, null, "seats");
      call(200, "PATCH", "/api/entitlements/{slug}", admin, "{\"unit\":\"seats\"}", "seats");
      call(
          201,
          "POST",
          "/api/tiers",
          admin,
          "{\"slug\":\"team\",\"name\":\"Team\",\"rank\":3," + "\"entitlements\":{\"seats\":10}}");
      call(200, "GET", "/api/tiers", admin, null);
      call(200, "GET", "/api/tiers/{slug}", admin, null, "team");
      call(200, "PATCH", "/api/tiers/{slug}", admin, "{\"rank\":4}", "team");
      call(
          422,
          "POST",
          "/api/tiers",
          admin,
          "{\"slug\":\"odd\",\"name\":\"Odd\",\"rank\":5,"
              + "\"entitlements\":{\"nothing-such\":1}}");
      String other =
          json(call(201, "POST", "/api/customers", admin, "{\"name\":\"Contract Corp\"}"))
              .path("id")
              .asText();
      call(200, "GET", "/api/customers", admin, null);
      call(200, "GET", "/api/customers/{id}", admin, null, other);
      call(200, "PATCH", "/api/customers/{id}", admin, "{\"metadata\":{\"crm\":\"42\"}}", other);
      String teamLicense =
          json(call(
                  201,
                  "POST",
                  "/api/licenses",
                  admin,
                  "{\"customer_id\":\"" + other + "\",\"tier\":\"team\"}"))
              .path("id")
              .asText();
      call(200, "GET", "/api/licenses", admin, null);
      call(200, "GET", "/api/licenses/{id}", admin, null, teamLicense);
      call(
          200, "PATCH", "/api/licenses/{id}", admin, "{\"overrides\":{\"seats\":20}}", teamLicense);
      call(
          201,
          "POST",
          "/api/instances",
          admin,
          "{\"id\":\"contract-prod\",\"license_id\":\""
              + teamLicense
              + "\",\"name\":\"Contract\"}");
      call(200, "GET", "/api/instances", admin, null);
      call(200, "GET", "/api/instances/{id}", admin, null, "contract-prod");
      call(
          200,
          "PATCH",
          "/api/instances/{id}",
          admin,
          "{\"labels\":{\"env\":\"prod\"}}",
          "contract-prod");
      call(201, "POST", "/api/instances/{id}/token", admin, null, "contract-prod");
      call(409, "DELETE", "/api/customers/{id}", admin, null, other);
      call(204, "DELETE", "/api/instances/{id}", admin, null, "contract-prod");
      call(204, "DELETE", "/api/licenses/{id}", admin, null, teamLicense);
      call(204, "DELETE", "/api/customers/{id}", admin, null, other);
      call(204, "DELETE", "/api/tiers/{slug}", admin, null, "team");
      call(204, "DELETE", "/api/entitlements/{slug}", admin, null, "seats");
      call(404, "GET", "/api/licenses/{id}", admin, null, teamLicense);

      // the catalog as a file: its export planned and applied back is a no-op; a bad field is 400
      String catalog = call(200, "GET", "/api/catalog", admin, null).body();
      String planHash =
          json(call(200, "POST", "/api/catalog/plan", admin, catalog)).path("plan_hash").asText();
      call(200, "POST", "/api/catalog/apply?plan_hash=" + planHash, admin, catalog);
      call(409, "POST", "/api/catalog/apply?plan_hash=0", admin, catalog);
      call(400, "POST", "/api/catalog/plan", admin, "{\"tiers\":[{\"slug\":\"x\"}]}");

      // the Stripe connector: created, read, replaced keeping its key, a bad field, removed
      byte[] made = new byte[12];
      new SecureRandom().nextBytes(made);
      String meters = "\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"}}";
      String stripeKey = "rk_test_" + HexFormat.of().formatHex(made);
      call(
          201,
          "PUT",
          "/api/connectors/stripe",
          admin,
          "{\"api_key\":\"" + stripeKey + "\"," + meters + "}");
      call(200, "GET", "/api/connectors/stripe", admin, null);
      String backfill = "/api/connectors/stripe/backfill";
      String yesterday = Instant.now().minus(Duration.ofDays(1)).toString();
      call(202, "POST", backfill, admin, "{\"from\":\"" + yesterday + "\"}");
      call(400, "POST", backfill, admin, "{\"from\":\"yesterday\"}");
      String reconciliation = "/api/connectors/stripe/reconciliation";
      String hourAgo =
          Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)).toString();
      call(202, "POST", reconciliation, admin, "{\"from\":\"" + hourAgo + "\"}");
      call(400, "POST", reconciliation, admin, "{\"from\":\"" + yesterday + "\"}");
      call(200, "GET", "/api/connectors/stripe/status", admin, null);
      call(200, "PUT", "/api/connectors/stripe", admin, "{" + meters + "}");
      call(400, "PUT", "/api/connectors/stripe", admin, "{\"meters\":{}}");
      call(204, "DELETE", "/api/connectors/stripe", admin, null);
      call(404, "GET", "/api/connectors/stripe", admin, null);
      // The CRM connector (kaiten-local allows a loopback URL); its secret answered on creation
      // only.
      call(201, "PUT", "/api/connectors/crm", admin, "{\"url\":\"http://127.0.0.1:9/crm\"}");
      call(200, "GET", "/api/connectors/crm", admin, null);
      call(200, "GET", "/api/connectors/crm/status", admin, null);
      call(200, "PUT", "/api/connectors/crm", admin, "{\"url\":\"http://127.0.0.1:9/crm2\"}");
      call(400, "PUT", "/api/connectors/crm", admin, "{\"url\":\"\"}");
      call(204, "DELETE", "/api/connectors/crm", admin, null);
      call(404, "GET", "/api/connectors/crm", admin, null);
      call(404, "GET", "/api/connectors/crm/status", admin, null);

      // tenants and tokens
      call(
          201,
          "POST",
          "/api/tenants",
          state.path("bootstrap_secret").asText(),
          "{\"name\":\"Contract tenant\"}");
      call(401, "POST", "/api/tenants", admin, "{\"name\":\"Contract tenant\"}");
      String token = json(call(201, "POST", "/api/tokens", admin, null)).path("id").asText();
      call(200, "GET", "/api/tokens", admin, null);
      call(204, "DELETE", "/api/tokens/{id}", admin, null, token);
      call(403, "GET", "/api/tokens", instance, null);

      // usage views and export
      call(200, "GET", "/api/instances/{id}/usage/history", admin, null, INSTANCE);
      call(200, "GET", "/api/licenses/{id}/usage/history", admin, null, license);
      call(400, "GET", "/api/licenses/{id}/usage/history?from=yesterday", admin, null, license);
      Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
      String range =
          "from=" + hour.minus(1, ChronoUnit.HOURS) + "&to=" + hour.plus(2, ChronoUnit.HOURS);
      call(200, "GET", "/api/usage/export?" + range, admin, null);
      call(200, "GET", "/api/usage/export?kind=reports&" + range, admin, null);
      call(200, "GET", "/api/usage/export?format=csv&" + range, admin, null);
      call(400, "GET", "/api/usage/export?format=xml&" + range, admin, null);

      // audit
      call(200, "GET", "/api/audit", admin, null);
      call(200, "GET", "/api/instances/{id}/audit", admin, null, INSTANCE);
      call(200, "GET", "/api/audit/verify?" + range, admin, null);
      call(400, "GET", "/api/audit?limit=0", admin, null);

      // webhooks
      String webhook =
          json(call(
                  201,
                  "POST",
                  "/api/webhooks",
                  admin,
                  "{\"url\":\"http://127.0.0.1:9/hooks\",\"event_types\":[\"webhook.test\"]}"))
              .path("id")
              .asText();
      call(200, "GET", "/api/webhooks", admin, null);
      call(200, "GET", "/api/webhooks/{id}", admin, null, webhook);
      call(
          200,
          "PATCH",
          "/api/webhooks/{id}",
          admin,
          "{\"description\":\"the contract's\"}",
          webhook);
      call(200, "POST", "/api/webhooks/{id}/rotate-secret", admin, null, webhook);
      call(400, "POST", "/api/webhooks", admin, "{\"url\":\"ftp://example.com\"}");
      call(204, "DELETE", "/api/webhooks/{id}", admin, null, webhook);
      call(404, "GET", "/api/webhooks/{id}", admin, null, webhook);
      try (WebhookInbox inbox = WebhookInbox.subscribe(local, admin, "webhook.test")) {
        String delivery =
            json(call(202, "POST", "/api/webhooks/{id}/test", admin, null, inbox.id()))
                .path("id")
                .asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> !inbox.events().isEmpty());
        // A delivery is redelivered once it has succeeded or failed.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    local
                        .json(
                            local.send(
                                "GET", "/api/webhooks/" + inbox.id() + "/deliveries", admin, null))
                        .path("items")
                        .path(0)
                        .path("status")
                        .asText()
                        .equals("SUCCEEDED"));
        call(200, "GET", "/api/webhooks/{id}/deliveries", admin, null, inbox.id());
        call(
            202,
            "POST",
            "/api/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            admin,
            null,
            inbox.id(),
            delivery);
      }
    }
    assertThat(breaches).isEmpty();
    assertThat(succeeded)
        .as("every operation of the document answered a success here")
        .containsAll(contract.operations());
  }

  private HttpResponse<String> call(
      int status, String method, String route, String token, String body, String... parameters)
      throws Exception {
    return answer(status, method, route, token, body, null, parameters);
  }

  /**
   * Sends the request; notes an answer of another status than expected, or one that breaks the
   * contract.
   */
  private HttpResponse<String> answer(
      int status,
      String method,
      String route,
      String token,
      String body,
      String ifNoneMatch,
      String... parameters)
      throws Exception {
    String path = route;
    for (String parameter : parameters) {
      path = path.replaceFirst("\\{[^}]+}", parameter);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(local.baseUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != status) {
      breaches.add(
          method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + ", not "
              + status
              + ": "
              + response.body());
    }
    String documented = route.contains("?") ? route.substring(0, route.indexOf('?')) : route;
    breaches.addAll(
        contract.breaches(
            method,
            documented,
            response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(null),
            response.body()));
    if (status < 400) {
      succeeded.add(method + " " + documented);
    }
    return response;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }
}
