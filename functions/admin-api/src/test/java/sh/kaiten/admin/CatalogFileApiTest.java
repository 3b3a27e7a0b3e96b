package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;

/** The catalog as a file through the API: export, plan, apply (docs/catalog.md). */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class CatalogFileApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CATALOG =
      """
      {"entitlements":[
        {"slug":"api-calls","name":"API calls","type":"NUMERIC","metering":{"unit":"calls"}},
        {"slug":"sso","name":"SSO","type":"BOOLEAN"}],
       "tiers":[
        {"slug":"free","name":"Free","rank":1,"entitlements":{"api-calls":1000,"sso":false}},
        {"slug":"pro","name":"Pro","rank":2,"entitlements":{"api-calls":100000,"sso":true}}]}
      """;

  private String admin;
  private String license;
  private String instanceToken;
  private String customer;

  @BeforeEach
  void tenant() {
    admin =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");
    String hash = post("/api/catalog/plan", CATALOG).statusCode(200).extract().path("plan_hash");
    post("/api/catalog/apply?plan_hash=" + hash, CATALOG)
        .statusCode(200)
        .body("changes", hasSize(4));
    customer =
        post("/api/customers", "{\"name\":\"Acme Corp\"}").statusCode(201).extract().path("id");
    license =
        post("/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}")
            .statusCode(201)
            .extract()
            .path("id");
    instanceToken =
        post("/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + license + "\"}")
            .statusCode(201)
            .extract()
            .path("token.token");
  }

  @Test
  void anExportAppliedBackIsANoOpPlan() throws Exception {
    String exported = get("/api/catalog").statusCode(200).extract().asString();

    String hash =
        post("/api/catalog/plan", exported)
            .statusCode(200)
            .body("has_changes", equalTo(false))
            .body("changes", hasSize(0))
            .body("licenses", hasSize(0))
            .extract()
            .path("plan_hash");
    post("/api/catalog/apply?plan_hash=" + hash, exported)
        .statusCode(200)
        .body("has_changes", equalTo(false));
    assertThat(JSON.readTree(get("/api/catalog").extract().asString()))
        .isEqualTo(JSON.readTree(exported));
  }

  @Test
  void aDowngradePlansTheInstancesItChangesAndApplyMakesIt() throws Exception {
    ObjectNode file = (ObjectNode) JSON.readTree(CATALOG);
    ((ObjectNode) file.path("tiers").get(1).path("entitlements")).put("api-calls", 50000);

    ValidatableResponse plan =
        post("/api/catalog/plan", file.toString())
            .statusCode(200)
            .body("has_changes", equalTo(true))
            .body("applicable", equalTo(true))
            .body("changes[0].action", equalTo("UPDATE"))
            .body("changes[0].kind", equalTo("tier"))
            .body("changes[0].slug", equalTo("pro"))
            .body("changes[0].fields[0].field", equalTo("entitlements.api-calls"))
            .body("changes[0].fields[0].before", equalTo(100000))
            .body("changes[0].fields[0].after", equalTo(50000))
            .body("licenses[0].license_id", equalTo(license))
            .body("licenses[0].customer_id", equalTo(customer))
            .body("licenses[0].customer_name", equalTo("Acme Corp"))
            .body("licenses[0].instances", equalTo(List.of("acme-prod")))
            .body("licenses[0].entitlements[0].entitlement", equalTo("api-calls"))
            .body("licenses[0].entitlements[0].after.value", equalTo(50000));
    String hash = plan.extract().path("plan_hash");

    post("/api/catalog/apply?plan_hash=" + hash, file.toString()).statusCode(200);

    get("/api/tiers/pro").statusCode(200).body("entitlements.api-calls", equalTo(50000));
    get("/api/audit?type=catalog.applied")
        .statusCode(200)
        .body("items", hasSize(2)) // the catalog's first apply, and this one, newest first
        .body("items[0].result.id", equalTo(hash))
        .body("items[0].result.changes", hasSize(1))
        .body("items[0].result.changes[0].action", equalTo("UPDATE"))
        .body("items[0].result.changes[0].slug", equalTo("pro"))
        .body("items[0].result.changes[0].fields[0].field", equalTo("entitlements.api-calls"))
        .body("items[0].result.changes[0].fields[0].before", equalTo(100000))
        .body("items[0].result.changes[0].fields[0].after", equalTo(50000))
        .body("items[0].result.licenses_changed", equalTo(1));
  }

  @Test
  void aPlanMadeBeforeAnotherChangeIsRefused() {
    String hash = post("/api/catalog/plan", CATALOG).statusCode(200).extract().path("plan_hash");
    given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/merge-patch+json")
        .body("{\"name\":\"Free forever\"}")
        .patch("/api/tiers/free")
        .then()
        .statusCode(200);

    post("/api/catalog/apply?plan_hash=" + hash, CATALOG)
        .statusCode(409)
        .contentType("application/problem+json")
        .body("field", equalTo("plan_hash"));
    get("/api/tiers/free").body("name", equalTo("Free forever"));
  }

  @Test
  void anInvalidFileIsRefusedWithThePathOfTheBadField() {
    String bad =
        CATALOG.replace(
            "\"metering\":{\"unit\":\"calls\"}", "\"metering\":{\"aggregation\":\"SUMM\"}");

    post("/api/catalog/plan", bad)
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("/entitlements/0/metering/aggregation"))
        .body("detail", startsWith("/entitlements/0/metering/aggregation: "));
  }

  @Test
  void deletingATierALicenseIsOnIsRefusedNamingTheLicense() {
    String withoutPro = CATALOG.substring(0, CATALOG.indexOf(",\n  {\"slug\":\"pro\"")) + "]}";

    String hash =
        post("/api/catalog/plan", withoutPro)
            .statusCode(200)
            .body("applicable", equalTo(false))
            .body("refusals[0].path", equalTo("/tiers"))
            .body("refusals[0].licenses", equalTo(List.of(license)))
            .extract()
            .path("plan_hash");
    post("/api/catalog/apply?plan_hash=" + hash, withoutPro).statusCode(409);
    get("/api/tiers/pro").statusCode(200);
  }

  @Test
  void webhookEndpointsArePlannedAppliedAndExportedWithoutTheirSecrets() throws Exception {
    String billing =
        post(
                "/api/webhooks",
                "{\"url\":\"https://203.0.113.10/billing\",\"description\":\"Billing\","
                    + "\"event_types\":[\"license.upgraded\"]}")
            .statusCode(201)
            .extract()
            .path("id");
    String exported = get("/api/catalog").statusCode(200).extract().asString();
    assertThat(exported).doesNotContain("whsec_").doesNotContain(billing);
    ObjectNode file = (ObjectNode) JSON.readTree(exported);
    assertThat(file.get("webhooks"))
        .isEqualTo(
            JSON.readTree(
                "[{\"url\":\"https://203.0.113.10/billing\",\"description\":\"Billing\","
                    + "\"event_types\":[\"license.upgraded\"]}]"));
    ((ObjectNode) file.path("webhooks").get(0))
        .putArray("event_types")
        .add("license.upgraded")
        .add("license.downgraded");
    ((ArrayNode) file.path("webhooks"))
        .add(JSON.readTree("{\"url\":\"https://203.0.113.11/crm\",\"event_types\":[\"*\"]}"));

    String hash =
        post("/api/catalog/plan", file.toString())
            .statusCode(200)
            .body("changes", hasSize(2))
            .body("changes[0].action", equalTo("UPDATE"))
            .body("changes[0].kind", equalTo("webhook"))
            .body("changes[0].slug", equalTo("https://203.0.113.10/billing"))
            .body("changes[0].fields[0].field", equalTo("event_types"))
            .body("changes[0].fields[0].before", equalTo(List.of("license.upgraded")))
            .body(
                "changes[0].fields[0].after",
                equalTo(List.of("license.downgraded", "license.upgraded")))
            .body("changes[1].action", equalTo("CREATE"))
            .body("changes[1].slug", equalTo("https://203.0.113.11/crm"))
            .body("licenses", hasSize(0))
            .extract()
            .path("plan_hash");
    String applied =
        post("/api/catalog/apply?plan_hash=" + hash, file.toString())
            .statusCode(200)
            .extract()
            .asString();
    assertThat(applied).doesNotContain("whsec_");

    get("/api/webhooks/" + billing)
        .statusCode(200)
        .body("event_types", equalTo(List.of("license.upgraded", "license.downgraded")));
    List<String> urls = get("/api/webhooks").statusCode(200).extract().path("items.url");
    assertThat(urls)
        .containsExactlyInAnyOrder("https://203.0.113.10/billing", "https://203.0.113.11/crm");
    String crm =
        get("/api/webhooks")
            .extract()
            .path("items.find { it.url == 'https://203.0.113.11/crm' }.id");
    // The new endpoint's secret is in no answer of the apply: the operator reads one by rotating.
    post("/api/webhooks/" + crm + "/rotate-secret", "")
        .statusCode(200)
        .body("secret", startsWith("whsec_"));
    get("/api/audit?type=catalog.applied")
        .statusCode(200)
        .body("items[0].result.id", equalTo(hash));
    post("/api/catalog/plan", file.toString()).statusCode(200).body("has_changes", equalTo(false));
  }

  @Test
  void aWebhookUrlTheDeploymentRefusesIsRefusedAtItsPath() throws Exception {
    ObjectNode file = (ObjectNode) JSON.readTree(CATALOG);
    file.set(
        "webhooks",
        JSON.readTree("[{\"url\":\"https://10.1.2.3/hooks\",\"event_types\":[\"*\"]}]"));

    post("/api/catalog/plan", file.toString())
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("/webhooks/0/url"))
        .body("detail", startsWith("/webhooks/0/url: "));
    get("/api/webhooks").statusCode(200).body("items", hasSize(0));
  }

  @Test
  void anApplyNeedsItsPlanHashAndAnAdminToken() {
    post("/api/catalog/apply", CATALOG).statusCode(400).body("field", equalTo("plan_hash"));
    given()
        .header("Authorization", "Bearer " + instanceToken)
        .get("/api/catalog")
        .then()
        .statusCode(403);
  }

  private ValidatableResponse post(String path, String body) {
    return given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body(body)
        .when()
        .post(path)
        .then();
  }

  private ValidatableResponse get(String path) {
    return given().header("Authorization", "Bearer " + admin).when().get(path).then();
  }
}
