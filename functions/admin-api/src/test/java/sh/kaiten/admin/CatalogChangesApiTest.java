package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.LocalAwsResource;

/**
 * PATCH and DELETE of entitlements, tiers, customers, licenses and instances, and what keeps
 * references whole.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class CatalogChangesApiTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;

  private String admin;
  private String tenant;
  private String customer;
  private String license;
  private String instanceToken;

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
    send(
            "POST",
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
    send("POST", "/api/entitlements", "{\"slug\":\"sso\",\"name\":\"SSO\",\"type\":\"BOOLEAN\"}")
        .statusCode(201);
    send(
            "POST",
            "/api/entitlements",
            """
        {"slug":"theme","name":"Theme","type":"CONFIG","config_schema":{"type":"object",
         "properties":{"color":{"type":"string"}},"required":["color"]}}""")
        .statusCode(201);
    send(
            "POST",
            "/api/tiers",
            """
        {"slug":"free","name":"Free","rank":1,"entitlements":{"api-calls":1000,"sso":false}}""")
        .statusCode(201);
    send(
            "POST",
            "/api/tiers",
            """
        {"slug":"pro","name":"Pro","rank":2,"entitlements":{"api-calls":100000,"sso":true,"theme":{"color":"red"}}}""")
        .statusCode(201);
    customer =
        send(
                "POST",
                "/api/customers",
                "{\"name\":\"Acme\",\"metadata\":{\"crm\":\"A-1\",\"region\":\"eu\"}}")
            .statusCode(201)
            .extract()
            .path("id");
    license =
        send("POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}")
            .statusCode(201)
            .extract()
            .path("id");
    instanceToken =
        send("POST", "/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + license + "\"}")
            .statusCode(201)
            .extract()
            .path("token.token");
    EventsQueue.take(tenant);
  }

  private ValidatableResponse send(String method, String path, String body) {
    var request = given().header("Authorization", "Bearer " + admin);
    if (body != null) {
      request =
          request
              .contentType(
                  method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
              .body(body);
    }
    return request.when().request(method, path).then();
  }

  private List<String> eventTypes() {
    return EventsQueue.take(tenant).stream().map(e -> e.get("type").asText()).toList();
  }

  @Test
  void anEntitlementChangesItsSettingsButNotWhatItsCountersMean() {
    String before = send("GET", "/api/entitlements/api-calls", null).extract().path("updated_at");
    send(
            "PATCH",
            "/api/entitlements/api-calls",
            "{\"name\":\"API requests\",\"enforcement\":\"SOFT\",\"overage_percent\":10,\"thresholds\":[50,90,100],\"unit\":\"req\"}")
        .log()
        .ifValidationFails()
        .statusCode(200)
        .body("name", equalTo("API requests"))
        .body("enforcement", equalTo("SOFT"))
        .body("overage_percent", equalTo(10))
        .body("thresholds", equalTo(List.of(50, 90, 100)))
        .body("unit", equalTo("req"))
        .body("aggregation", equalTo("SUM"))
        .body("updated_at", not(equalTo(before)));
    assertThat(eventTypes()).containsExactly("entitlement.updated");

    send("PATCH", "/api/entitlements/api-calls", "{\"unit\":null}")
        .statusCode(200)
        .body("unit", nullValue())
        .body("name", equalTo("API requests"));
    for (String fixed : List.of("type", "aggregation", "reset", "reset_anchor", "scope", "slug")) {
      send("PATCH", "/api/entitlements/api-calls", "{\"" + fixed + "\":\"COUNT\"}")
          .statusCode(400)
          .contentType("application/problem+json")
          .body("field", equalTo(fixed));
    }
    send("PATCH", "/api/entitlements/api-calls", "{\"enforcement\":\"HARD\"}")
        .statusCode(400)
        .body("field", equalTo("overage_percent"));
    send("PATCH", "/api/entitlements/api-calls", "{\"thresholds\":\"many\"}")
        .statusCode(400)
        .body("field", equalTo("thresholds"));
    send("PATCH", "/api/entitlements/nope", "{\"name\":\"x\"}").statusCode(404);

    send("GET", "/api/entitlements/api-calls", null)
        .statusCode(200)
        .body("enforcement", equalTo("SOFT"))
        .body("overage_percent", equalTo(10))
        .body("aggregation", equalTo("SUM"));
    assertThat(eventTypes()).containsExactly("entitlement.updated");
  }

  @Test
  void aNewConfigSchemaMustAcceptEveryValueAlreadyGiven() {
    send(
            "PATCH",
            "/api/licenses/" + license,
            "{\"overrides\":{\"theme\":{\"color\":\"blue\",\"font\":\"serif\"}}}")
        .statusCode(200);
    String strict =
        """
        {"config_schema":{"type":"object","properties":{"color":{"type":"string"}},"additionalProperties":false}}""";
    send("PATCH", "/api/entitlements/theme", strict)
        .statusCode(400)
        .body("field", equalTo("config_schema"))
        .body("detail", org.hamcrest.Matchers.containsString("license '" + license + "'"));
    send("GET", "/api/entitlements/theme", null)
        .body("config_schema.additionalProperties", nullValue());

    send("PATCH", "/api/licenses/" + license, "{\"overrides\":{\"theme\":null}}").statusCode(200);
    send("PATCH", "/api/entitlements/theme", strict)
        .statusCode(200)
        .body("config_schema.additionalProperties", equalTo(false));
  }

  @Test
  void anEntitlementIsDeletedOnlyOnceNoTierOrOverrideGivesIt() {
    send("DELETE", "/api/entitlements/sso", null)
        .statusCode(409)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo(
                "entitlement 'sso' is still given by tier 'free', tier 'pro'; remove it from them first"));

    send("PATCH", "/api/tiers/free", "{\"entitlements\":{\"sso\":null}}")
        .statusCode(200)
        .body("entitlements.api-calls", equalTo(1000))
        .body("entitlements", not(org.hamcrest.Matchers.hasKey("sso")));
    send("PATCH", "/api/tiers/pro", "{\"entitlements\":{\"sso\":null}}").statusCode(200);
    send("DELETE", "/api/entitlements/sso", null).statusCode(204);
    send("GET", "/api/entitlements/sso", null).statusCode(404);
    send("DELETE", "/api/entitlements/sso", null).statusCode(404);
    assertThat(eventTypes()).containsExactly("tier.updated", "tier.updated", "entitlement.deleted");
  }

  @Test
  void aTierChangesByMergePatch() {
    send(
            "PATCH",
            "/api/tiers/pro",
            """
        {"name":"Professional","rank":5,"entitlements":{"api-calls":"unlimited","theme":{"color":"green"}}}""")
        .statusCode(200)
        .body("name", equalTo("Professional"))
        .body("rank", equalTo(5))
        .body("entitlements.api-calls", nullValue())
        .body("entitlements.sso", equalTo(true))
        .body("entitlements.theme.color", equalTo("green"));
    Tier stored = catalog.definitions().findTier(tenant, "pro").orElseThrow();
    assertThat(stored.entitlements().get("api-calls").toString()).isEqualTo("Quota[limit=null]");

    send("PATCH", "/api/tiers/pro", "{\"entitlements\":{\"theme\":{\"color\":7}}}")
        .statusCode(400)
        .body("field", equalTo("entitlements.theme.color"));
    send("PATCH", "/api/tiers/pro", "{\"entitlements\":{\"unknown\":true}}")
        .statusCode(422)
        .body("field", equalTo("entitlements.unknown"));
    send("PATCH", "/api/tiers/pro", "{\"rank\":null}")
        .statusCode(400)
        .body("field", equalTo("rank"));
    send("PATCH", "/api/tiers/pro", "{\"slug\":\"x\"}")
        .statusCode(400)
        .body("field", equalTo("slug"));
    send("GET", "/api/tiers/pro", null)
        .body("rank", equalTo(5))
        .body("entitlements.theme.color", equalTo("green"));
  }

  @Test
  void aTierIsDeletedOnlyOnceNoLicenseIsOnIt() {
    send("DELETE", "/api/tiers/pro", null)
        .statusCode(409)
        .body(
            "detail",
            equalTo(
                "tier 'pro' cannot be deleted: licenses are on it; move them to another tier first"));
    send("PATCH", "/api/licenses/" + license, "{\"tier\":\"free\"}").statusCode(200);
    send("DELETE", "/api/tiers/free", null).statusCode(409);
    send("DELETE", "/api/tiers/pro", null).statusCode(204);
    send("GET", "/api/tiers/pro", null).statusCode(404);
    assertThat(eventTypes())
        .containsExactly("license.updated", "license.downgraded", "tier.deleted");
  }

  @Test
  void aCustomerChangesAndIsDeletedOnlyWithoutLicenses() {
    send(
            "PATCH",
            "/api/customers/" + customer,
            "{\"name\":\"Acme Inc\",\"metadata\":{\"region\":null,\"tier\":\"gold\"}}")
        .statusCode(200)
        .body("name", equalTo("Acme Inc"))
        .body("metadata", equalTo(Map.of("crm", "A-1", "tier", "gold")));
    send("PATCH", "/api/customers/" + customer, "{\"id\":\"cus_other\"}")
        .statusCode(400)
        .body("field", equalTo("id"));
    send("PATCH", "/api/customers/" + customer, "{\"name\":\"\"}")
        .statusCode(400)
        .body("field", equalTo("name"));

    send("DELETE", "/api/customers/" + customer, null).statusCode(409);
    send("DELETE", "/api/licenses/" + license, null)
        .statusCode(409)
        .body(
            "detail",
            equalTo(
                "license '"
                    + license
                    + "' cannot be deleted: instances are on it; delete them first"));
    send("DELETE", "/api/instances/acme-prod", null).statusCode(204);
    send("DELETE", "/api/licenses/" + license, null).statusCode(204);
    send("GET", "/api/licenses/" + license, null).statusCode(404);
    send("DELETE", "/api/customers/" + customer, null).statusCode(204);
    send("GET", "/api/customers/" + customer, null).statusCode(404);
    // The tier the license was on is free to go now.
    send("DELETE", "/api/tiers/pro", null).statusCode(204);
    assertThat(eventTypes())
        .containsExactly(
            "customer.updated",
            "instance.deleted",
            "license.deleted",
            "customer.deleted",
            "tier.deleted");
  }

  @Test
  void anInstanceKeepsItsLicenseAndItsDeletionEndsItsTokens() {
    send(
            "PATCH",
            "/api/instances/acme-prod",
            "{\"name\":\"Acme production\",\"labels\":{\"region\":\"eu-west-1\"}}")
        .statusCode(200)
        .body("name", equalTo("Acme production"))
        .body("labels.region", equalTo("eu-west-1"))
        .body("license_id", equalTo(license));
    send("PATCH", "/api/instances/acme-prod", "{\"license_id\":\"lic_other\"}")
        .statusCode(400)
        .body("field", equalTo("license_id"));
    assertThat(tokens.findByHash(Secrets.hash(instanceToken))).isPresent();

    send("DELETE", "/api/instances/acme-prod", null).statusCode(204);
    send("GET", "/api/instances/acme-prod", null).statusCode(404);
    assertThat(tokens.findByHash(Secrets.hash(instanceToken))).isEmpty();
    assertThat(eventTypes()).containsExactly("instance.updated", "instance.deleted");

    // The id is free again, under another license if need be; the new instance has its own token.
    String second =
        send("POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"free\"}")
            .statusCode(201)
            .extract()
            .path("id");
    send("POST", "/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + second + "\"}")
        .statusCode(201);
    send("DELETE", "/api/licenses/" + license, null).statusCode(204);
    send("DELETE", "/api/licenses/" + second, null).statusCode(409);
  }

  @Test
  void theStoreKeepsReferencesWholeWhateverTheCallerChecked() {
    Instant now = Instant.now();
    License onAMissingTier =
        new License(
            "lic_direct",
            customer,
            "gone",
            LicenseStatus.ACTIVE,
            now,
            null,
            null,
            Map.of(),
            now,
            now);
    assertThatThrownBy(
            () ->
                catalog
                    .licenses()
                    .createLicense(tenant, onAMissingTier, List.of(), ChangeRecords.NONE))
        .isInstanceOf(UnknownReferenceException.class)
        .hasMessage("tier 'gone' does not exist");
    License ofAMissingCustomer =
        new License(
            "lic_direct",
            "cus_gone",
            "pro",
            LicenseStatus.ACTIVE,
            now,
            null,
            null,
            Map.of(),
            now,
            now);
    assertThatThrownBy(
            () ->
                catalog
                    .licenses()
                    .createLicense(tenant, ofAMissingCustomer, List.of(), ChangeRecords.NONE))
        .isInstanceOf(UnknownReferenceException.class)
        .hasMessage("customer 'cus_gone' does not exist");
    assertThat(catalog.licenses().findLicense(tenant, "lic_direct")).isEmpty();

    Tier read = catalog.definitions().findTier(tenant, "pro").orElseThrow();
    send("PATCH", "/api/tiers/pro", "{\"rank\":3}").statusCode(200);
    Tier stale = new Tier("pro", "Pro", 9, read.entitlements(), read.createdAt(), Instant.now());
    assertThatThrownBy(
            () -> catalog.tiers().updateTier(tenant, stale, read.updatedAt(), ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(catalog.definitions().findTier(tenant, "pro").orElseThrow().rank()).isEqualTo(3);
  }

  @Test
  void aChangeMadeFromARecordAnotherRequestChangedSinceIsRefused() {
    ApiToken caller = tokens.findByHash(Secrets.hash(admin)).orElseThrow();
    // The use cases on the same stores, outside a request (so without its trail).
    Clock clock = Clock.systemUTC();
    var catalogUseCase =
        new CatalogAdministration(
            catalog.definitions(),
            catalog.entitlements(),
            catalog.tiers(),
            catalog.licenses(),
            ChangeJournal.SILENT,
            clock);
    var customers = new CustomerAdministration(catalog.customers(), ChangeJournal.SILENT, clock);
    var instances =
        new InstanceAdministration(
            catalog.licenses(), catalog.instances(), tokens, ChangeJournal.SILENT, clock);
    String stale = "was changed by another request; read it again";

    Entitlement sso = catalogUseCase.entitlement(caller, "sso");
    send("PATCH", "/api/entitlements/sso", "{\"name\":\"Single sign-on\"}").statusCode(200);
    Entitlement renamed = new Entitlement("sso", "SSO v2", sso.type(), null, null, sso.createdAt());
    assertThatThrownBy(() -> catalogUseCase.updateEntitlement(caller, sso, renamed))
        .isInstanceOf(ConflictException.class)
        .hasMessage("entitlement 'sso' " + stale);
    send("GET", "/api/entitlements/sso", null).body("name", equalTo("Single sign-on"));

    Tier pro = catalogUseCase.tier(caller, "pro");
    send("PATCH", "/api/tiers/pro", "{\"rank\":3}").statusCode(200);
    assertThatThrownBy(
            () -> catalogUseCase.updateTier(caller, pro, new TierDraft("pro", "Pro", 9, Map.of())))
        .isInstanceOf(ConflictException.class)
        .hasMessage("tier 'pro' " + stale);
    send("GET", "/api/tiers/pro", null).body("rank", equalTo(3));

    Customer acme = customers.customer(caller, customer);
    send("PATCH", "/api/customers/" + customer, "{\"name\":\"Acme Inc\"}").statusCode(200);
    assertThatThrownBy(
            () ->
                customers.updateCustomer(
                    caller,
                    acme,
                    new Customer(customer, "Acme Ltd", acme.metadata(), acme.createdAt())))
        .isInstanceOf(ConflictException.class)
        .hasMessage("customer '" + customer + "' " + stale);
    send("GET", "/api/customers/" + customer, null).body("name", equalTo("Acme Inc"));

    Instance prod = instances.instance(caller, "acme-prod");
    send("PATCH", "/api/instances/acme-prod", "{\"name\":\"Production\"}").statusCode(200);
    assertThatThrownBy(
            () ->
                instances.updateInstance(
                    caller,
                    prod,
                    new Instance("acme-prod", license, "Staging", prod.labels(), prod.createdAt())))
        .isInstanceOf(ConflictException.class)
        .hasMessage("instance 'acme-prod' " + stale);
    send("GET", "/api/instances/acme-prod", null).body("name", equalTo("Production"));
  }
}
