package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;

/** The product page's scenario set up through the control plane alone. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class AdminApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private String admin;

  private String bootstrap(String name) {
    return given()
        .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json")
        .body("{\"name\":\"" + name + "\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(201)
        .body("name", equalTo(name))
        .body("admin_token.token", startsWith("ksh_"))
        .extract()
        .path("admin_token.token");
  }

  @BeforeEach
  void tenant() {
    admin = bootstrap("Acme Vendor");
  }

  private ValidatableResponse post(String token, String path, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .when()
        .post(path)
        .then();
  }

  private ValidatableResponse get(String token, String path) {
    return given().header("Authorization", "Bearer " + token).when().get(path).then();
  }

  private String productPageInstance() {
    post(
            admin,
            "/api/entitlements",
            """
        {"slug":"api-calls","name":"API calls","type":"NUMERIC","enforcement":"HARD","unit":"calls"}""")
        .statusCode(201)
        .header("Location", endsWith("/api/entitlements/api-calls"))
        .body("aggregation", equalTo("SUM"))
        .body("reset", equalTo("MONTH"))
        .body("thresholds", equalTo(List.of(80, 100)));
    post(
            admin,
            "/api/tiers",
            """
        {"slug":"pro","name":"Pro","rank":2,"entitlements":{"api-calls":100000}}""")
        .statusCode(201)
        .body("entitlements.api-calls", equalTo(100000));
    String customer =
        post(admin, "/api/customers", "{\"name\":\"Acme Corp\",\"metadata\":{\"crm\":\"A-1\"}}")
            .statusCode(201)
            .extract()
            .path("id");
    String license =
        post(admin, "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}")
            .statusCode(201)
            .body("status", equalTo("ACTIVE"))
            .extract()
            .path("id");
    return post(
            admin, "/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(201)
        .body("id", equalTo("acme-prod"))
        .body("license_id", equalTo(license))
        .body("token.token", startsWith("ksh_"))
        .extract()
        .path("token.token");
  }

  @Test
  void productPageScenarioThroughTheControlPlane() {
    String instanceToken = productPageInstance();
    var tokenRecord = tokens.findByHash(Secrets.hash(instanceToken)).orElseThrow();
    var reporting =
        new UsageReporting(
            catalog.definitions(),
            Lookups.instances(catalog, reads),
            counters,
            signal -> {},
            Clock.systemUTC(),
            Duration.ofHours(24));
    reporting.report(
        tokenRecord, "acme-prod", new UsageReport("api-calls", new BigDecimal("67433"), null));
    var state =
        new EntitlementQueries(
                catalog.definitions(),
                Lookups.instances(catalog, reads),
                counters,
                Clock.systemUTC())
            .usage(tokenRecord, "acme-prod", "api-calls");
    assertThat(state.limit()).isEqualByComparingTo("100000");
    assertThat(state.currentUsage()).isEqualByComparingTo("67433");
    assertThat(state.percentageUsed()).isEqualTo(new BigDecimal("67.4"));
    get(admin, "/api/instances/acme-prod").statusCode(200).body("id", equalTo("acme-prod"));
  }

  @Test
  void tokensAreShownOnceAndStoredOnlyAsHashes() {
    String instanceToken = productPageInstance();
    assertThat(tokens.findByHash(Secrets.hash(instanceToken))).isPresent();
    assertThat(tokens.findByHash(instanceToken)).isEmpty();
    get(admin, "/api/instances/acme-prod").statusCode(200).body("token", nullValue());
  }

  @Test
  void bootstrapNeedsTheDeploymentSecret() {
    given()
        .contentType("application/json")
        .body("{\"name\":\"x\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer wrong")
        .contentType("application/json")
        .body("{\"name\":\"x\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body("{\"name\":\"x\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(401);
  }

  @Test
  void tenantsAndScopesAreIsolated() {
    String instanceToken = productPageInstance();
    String other = bootstrap("Other vendor");
    get(other, "/api/instances/acme-prod").statusCode(404).contentType("application/problem+json");
    get(other, "/api/entitlements/api-calls").statusCode(404);
    get(other, "/api/tiers/pro").statusCode(404);
    get(instanceToken, "/api/instances/acme-prod")
        .statusCode(403)
        .contentType("application/problem+json");
    post(instanceToken, "/api/customers", "{\"name\":\"Sneaky\"}").statusCode(403);
    get("ksh_nope", "/api/instances/acme-prod").statusCode(401);
  }

  @Test
  void badControlPlaneInputIsRefusedAndNothingIsWritten() {
    post(admin, "/api/entitlements", "{\"slug\":\"Bad Slug\",\"name\":\"x\",\"type\":\"BOOLEAN\"}")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("slug"));
    post(admin, "/api/entitlements", "{\"slug\":\"gate\",\"name\":\"x\",\"type\":\"SWITCH\"}")
        .statusCode(400)
        .body("field", equalTo("type"));
    post(
            admin,
            "/api/entitlements",
            "{\"slug\":\"gate\",\"name\":\"x\",\"type\":\"BOOLEAN\",\"reset\":\"DAY\"}")
        .statusCode(400)
        .body("field", equalTo("reset"));
    get(admin, "/api/entitlements/gate").statusCode(404);
    post(admin, "/api/entitlements", "{\"slug\":\"gate\",\"name\":\"Gate\",\"type\":\"BOOLEAN\"}")
        .statusCode(201);
    post(admin, "/api/entitlements", "{\"slug\":\"gate\",\"name\":\"Gate\",\"type\":\"BOOLEAN\"}")
        .statusCode(409)
        .body("field", equalTo("slug"));
    post(
            admin,
            "/api/tiers",
            "{\"slug\":\"free\",\"name\":\"Free\",\"rank\":0,\"entitlements\":{\"gate\":3}}")
        .statusCode(400)
        .body("field", equalTo("entitlements.gate"));
    post(
            admin,
            "/api/tiers",
            "{\"slug\":\"free\",\"name\":\"Free\",\"rank\":0,\"entitlements\":{\"nope\":true}}")
        .statusCode(422)
        .body("field", equalTo("entitlements.nope"));
    get(admin, "/api/tiers/free").statusCode(404);
    post(admin, "/api/licenses", "{\"customer_id\":\"cus_missing\",\"tier\":\"free\"}")
        .statusCode(422)
        .body("field", equalTo("customer_id"));
    post(admin, "/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"lic_missing\"}")
        .statusCode(422)
        .body("field", equalTo("license_id"));
    get(admin, "/api/instances/acme-prod").statusCode(404);
  }

  @Test
  void aConfigValueThatBreaksItsSchemaIsRefusedWithThePathThatFailedAndNothingIsStored() {
    post(
            admin,
            "/api/entitlements",
            """
        {"slug":"theme","name":"Theme","type":"CONFIG","config_schema":{"type":"object","required":["color"],
         "properties":{"color":{"type":"string","enum":["gray","indigo"]}}}}""")
        .statusCode(201);
    post(
            admin,
            "/api/entitlements",
            """
        {"slug":"broken","name":"Broken","type":"CONFIG","config_schema":{"type":"colour"}}""")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", startsWith("config_schema"));
    get(admin, "/api/entitlements/broken").statusCode(404);

    post(
            admin,
            "/api/tiers",
            """
        {"slug":"pro","name":"Pro","rank":2,"entitlements":{"theme":{"color":"red"}}}""")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("entitlements.theme.color"))
        .body(
            "detail",
            startsWith("entitlements.theme does not match the entitlement's config_schema"));
    get(admin, "/api/tiers/pro").statusCode(404);

    post(
            admin,
            "/api/tiers",
            """
        {"slug":"pro","name":"Pro","rank":2,"entitlements":{"theme":{"color":"indigo"}}}""")
        .statusCode(201);
    String customer =
        post(admin, "/api/customers", "{\"name\":\"Acme Corp\"}")
            .statusCode(201)
            .extract()
            .path("id");
    post(
            admin,
            "/api/licenses",
            "{\"customer_id\":\""
                + customer
                + "\",\"tier\":\"pro\","
                + "\"overrides\":{\"theme\":{}}}")
        .statusCode(400)
        .body("field", equalTo("overrides.theme"));
  }

  @Test
  void listsPageThroughEveryRecordOnceInKeyOrder() {
    for (int i = 0; i < 7; i++) {
      post(
              admin,
              "/api/entitlements",
              "{\"slug\":\"gate-" + i + "\",\"name\":\"Gate\",\"type\":\"BOOLEAN\"}")
          .statusCode(201);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var page =
          given()
              .header("Authorization", "Bearer " + admin)
              .queryParam("limit", 3)
              .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
              .when()
              .get("/api/entitlements")
              .then()
              .statusCode(200)
              .extract();
      seen.addAll(page.path("items.slug"));
      cursor = page.path("next_cursor");
      pages++;
    } while (cursor != null);

    assertThat(seen)
        .containsExactly("gate-0", "gate-1", "gate-2", "gate-3", "gate-4", "gate-5", "gate-6");
    assertThat(pages).isBetween(3, 4);
    get(admin, "/api/entitlements")
        .statusCode(200)
        .body("items.size()", equalTo(7))
        .body("next_cursor", nullValue());
    get(admin, "/api/tiers").statusCode(200).body("items.size()", equalTo(0));
    get(admin, "/api/customers").statusCode(200).body("items", equalTo(List.of()));
  }

  @Test
  void badPageRequestsAreRefusedNamingTheParameter() {
    get(admin, "/api/licenses?limit=0")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("limit"));
    get(admin, "/api/licenses?limit=201").statusCode(400).body("field", equalTo("limit"));
    get(admin, "/api/licenses?limit=ten").statusCode(400).body("field", equalTo("limit"));
    get(admin, "/api/licenses?cursor=%%%").statusCode(400).body("field", equalTo("cursor"));
    String tierCursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("TIER#pro".getBytes(StandardCharsets.UTF_8));
    get(admin, "/api/licenses?cursor=" + tierCursor)
        .statusCode(400)
        .body("field", equalTo("cursor"));
  }

  @Test
  void everyKindOfRecordIsListed() {
    String instanceToken = productPageInstance();
    get(admin, "/api/tiers").statusCode(200).body("items.slug", equalTo(List.of("pro")));
    get(admin, "/api/customers").statusCode(200).body("items.name", equalTo(List.of("Acme Corp")));
    get(admin, "/api/licenses").statusCode(200).body("items.tier", equalTo(List.of("pro")));
    get(admin, "/api/instances").statusCode(200).body("items.id", equalTo(List.of("acme-prod")));
    get(instanceToken, "/api/instances").statusCode(403);
    get(bootstrap("Other"), "/api/instances").statusCode(200).body("items", equalTo(List.of()));
  }
}
