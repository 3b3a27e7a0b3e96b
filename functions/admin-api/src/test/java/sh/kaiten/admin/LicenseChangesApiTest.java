package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.LocalAwsResource;

/** PATCH /api/licenses/{id}, and the events every control-plane change puts on the events queue. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class LicenseChangesApiTest {
  @Inject AdminStores catalog;

  private String admin;
  private String tenant;
  private String license;

  @BeforeEach
  void catalog() {
    var created =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract();
    admin = created.path("admin_token.token");
    tenant = created.path("id");
    post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
    post(
            "/api/tiers",
            "{\"slug\":\"free\",\"name\":\"Free\",\"rank\":1,\"entitlements\":{\"api-calls\":1000}}")
        .statusCode(201);
    post(
            "/api/tiers",
            "{\"slug\":\"pro\",\"name\":\"Pro\",\"rank\":2,\"entitlements\":{\"api-calls\":100000}}")
        .statusCode(201);
    String customer =
        post("/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    license =
        post("/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"free\"}")
            .statusCode(201)
            .extract()
            .path("id");
    post("/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(201);
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

  private ValidatableResponse patch(String body) {
    return given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/merge-patch+json")
        .body(body)
        .when()
        .patch("/api/licenses/" + license)
        .then();
  }

  private List<String> eventTypes() {
    return EventsQueue.take(tenant).stream().map(e -> e.get("type").asText()).toList();
  }

  @Test
  void everyCreationIsAnnounced() {
    assertThat(eventTypes())
        .containsExactlyInAnyOrder(
            "entitlement.created",
            "tier.created",
            "tier.created",
            "customer.created",
            "license.created",
            "instance.created");
  }

  @Test
  void anUpgradeIsStoredAndAnnounced() {
    EventsQueue.take(tenant);

    patch("{\"tier\":\"pro\",\"overrides\":{\"api-calls\":250000}}")
        .statusCode(200)
        .body("tier", equalTo("pro"))
        .body("overrides.api-calls", equalTo(250000));

    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/licenses/" + license)
        .then()
        .statusCode(200)
        .body("tier", equalTo("pro"));
    List<JsonNode> events = EventsQueue.take(tenant);
    assertThat(events)
        .extracting(e -> e.get("type").asText())
        .containsExactlyInAnyOrder("license.updated", "license.upgraded");
    JsonNode upgraded =
        events.stream()
            .filter(e -> e.get("type").asText().equals("license.upgraded"))
            .findFirst()
            .orElseThrow();
    assertThat(upgraded.get("data").get("license_id").asText()).isEqualTo(license);
    assertThat(upgraded.get("data").get("tier").asText()).isEqualTo("pro");
    assertThat(upgraded.get("data").get("previous_tier").asText()).isEqualTo("free");
  }

  @Test
  void datesAreSetAndClearedAndStatusChanges() {
    patch(
            "{\"status\":\"TRIAL\",\"trial_ends_at\":\"2027-01-31T00:00:00Z\",\"expires_at\":\"2027-12-31T00:00:00Z\"}")
        .statusCode(200)
        .body("status", equalTo("TRIAL"))
        .body("trial_ends_at", equalTo("2027-01-31T00:00:00Z"));
    patch("{\"expires_at\":null,\"status\":\"ACTIVE\"}")
        .statusCode(200)
        .body("expires_at", nullValue())
        .body("trial_ends_at", equalTo("2027-01-31T00:00:00Z"))
        .body("status", equalTo("ACTIVE"));
    assertThat(eventTypes()).contains("trial.converted");
  }

  @Test
  void badPatchesAreRefusedNamingTheFieldAndChangeNothing() {
    patch("{\"tier\":\"gold\"}")
        .statusCode(422)
        .contentType("application/problem+json")
        .body("field", equalTo("tier"));
    patch("{\"status\":\"PAUSED\"}").statusCode(400).body("field", equalTo("status"));
    patch("{\"expires_at\":\"next year\"}").statusCode(400).body("field", equalTo("expires_at"));
    patch("{\"customer_id\":\"cus_other\"}").statusCode(400).body("field", equalTo("customer_id"));
    patch("{\"overrides\":{\"api-calls\":-5}}")
        .statusCode(400)
        .body("field", equalTo("overrides.api-calls"));
    patch("{\"starts_at\":\"2027-01-01T00:00:00Z\",\"expires_at\":\"2026-01-01T00:00:00Z\"}")
        .statusCode(400)
        .body("field", equalTo("expires_at"));
    given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body("{\"tier\":\"pro\"}")
        .when()
        .patch("/api/licenses/lic_missing")
        .then()
        .statusCode(404);

    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/licenses/" + license)
        .then()
        .body("tier", equalTo("free"))
        .body("status", equalTo("ACTIVE"))
        .body("expires_at", nullValue());
  }

  @Test
  void aChangeMadeFromAStaleReadIsRefused() {
    License read = catalog.licenses().findLicense(tenant, license).orElseThrow();
    patch("{\"tier\":\"pro\"}").statusCode(200);

    License stale =
        new License(
            read.id(),
            read.customerId(),
            "free",
            read.status(),
            read.startsAt(),
            read.trialEndsAt(),
            read.expiresAt(),
            read.overrides(),
            read.createdAt(),
            Instant.now());
    assertThatThrownBy(
            () ->
                catalog
                    .licenses()
                    .updateLicense(tenant, read, stale, List.of(), ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(catalog.licenses().findLicense(tenant, license).orElseThrow().tier())
        .isEqualTo("pro");
  }
}
