package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class EntitlementsApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  private ValidatableResponse get(String token, String path, Object... params) {
    return given().header("Authorization", "Bearer " + token).when().get(path, params).then();
  }

  /** Reports through the very use case usage-api serves, against the same DynamoDB table. */
  private void reportUsage(String value) {
    new UsageReporting(
            catalog.definitions(),
            Lookups.instances(catalog, reads),
            counters,
            signal -> {},
            Clock.systemUTC(),
            Duration.ofHours(24))
        .report(
            page.adminToken(),
            ProductPage.INSTANCE,
            new UsageReport("api-calls", new BigDecimal(value), null));
  }

  /**
   * The definition cache keeps only what it found: a new entitlement and tier are evaluated at
   * once.
   */
  @Test
  void aJustCreatedEntitlementAndTierAreEvaluatedAtOnce() {
    get(page.instanceSecret(), "/api/instances/{id}/entitlements", ProductPage.INSTANCE)
        .statusCode(200)
        .body("entitlements.entitlement", contains("api-calls", "sso"));
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}",
            ProductPage.INSTANCE,
            "audit-log")
        .statusCode(404)
        .contentType("application/problem+json");
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement("audit-log", "Audit log", EntitlementType.BOOLEAN, null, null, null));
    page.admin()
        .catalog()
        .createTier(
            page.adminToken(),
            new TierDraft(
                "team",
                "Team",
                3,
                Map.of("audit-log", BooleanNode.TRUE, "api-calls", IntNode.valueOf(5))));
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch("team", null, null, null, null, null));

    get(page.instanceSecret(), "/api/instances/{id}/entitlements", ProductPage.INSTANCE)
        .statusCode(200)
        .body("entitlements.entitlement", contains("api-calls", "audit-log", "sso"))
        .body("entitlements.find { it.entitlement == 'audit-log' }.enabled", equalTo(true));
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}",
            ProductPage.INSTANCE,
            "audit-log")
        .statusCode(200)
        .body("enabled", equalTo(true))
        .body("source", equalTo("TIER"));
  }

  @Test
  void productPageUsageState() {
    reportUsage("67000");
    reportUsage("433");
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}/usage",
            ProductPage.INSTANCE,
            "api-calls")
        .statusCode(200)
        .contentType("application/json")
        .body("entitlement", equalTo("api-calls"))
        .body("limit", equalTo(100000))
        .body("current_usage", equalTo(67433))
        .body("percentage_used", equalTo(67.4f))
        .body("status", equalTo("ACCEPTED"))
        .body("aggregation", equalTo("SUM"))
        .body("enforcement", equalTo("HARD"))
        .body("unit", equalTo("calls"))
        .body(
            "period_start",
            equalTo(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()))
        .body(
            "period_end",
            equalTo(
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()));
  }

  @Test
  void singleEvaluationCarriesValueSourceReasonAndUsage() {
    reportUsage("10");
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}",
            ProductPage.INSTANCE,
            "api-calls")
        .statusCode(200)
        .body("entitlement", equalTo("api-calls"))
        .body("type", equalTo("NUMERIC"))
        .body("enabled", equalTo(true))
        .body("value", equalTo(100000))
        .body("source", equalTo("TIER"))
        .body("reason", equalTo("GRANTED"))
        .body("usage.current_usage", equalTo(10))
        .body("usage.percentage_used", equalTo(0.0f));
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}",
            ProductPage.INSTANCE,
            "sso")
        .statusCode(200)
        .body("type", equalTo("BOOLEAN"))
        .body("enabled", equalTo(true))
        .body("value", equalTo(true))
        .body("usage", nullValue());
  }

  @Test
  void bulkEvaluationListsEveryEntitlement() {
    get(page.instanceSecret(), "/api/instances/{id}/entitlements", ProductPage.INSTANCE)
        .statusCode(200)
        .body("instance", equalTo(ProductPage.INSTANCE))
        .body("entitlements.entitlement", contains("api-calls", "sso"))
        .body("entitlements.enabled", contains(true, true));
  }

  @Test
  void accessRulesHoldOnEveryReadEndpoint() {
    String[] paths = {
      "/api/instances/{id}/entitlements",
      "/api/instances/{id}/entitlements/api-calls",
      "/api/instances/{id}/entitlements/api-calls/usage"
    };
    String otherTenantAdmin =
        page.admin()
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Other vendor")
            .secret();
    for (String path : paths) {
      given()
          .when()
          .get(path, ProductPage.INSTANCE)
          .then()
          .statusCode(401)
          .contentType("application/problem+json");
      get("ksh_unknown", path, ProductPage.INSTANCE)
          .statusCode(401)
          .contentType("application/problem+json");
      get(page.stagingSecret(), path, ProductPage.INSTANCE)
          .statusCode(403)
          .contentType("application/problem+json");
      get(otherTenantAdmin, path, ProductPage.INSTANCE)
          .statusCode(404)
          .contentType("application/problem+json");
      get(page.adminSecret(), path, ProductPage.INSTANCE).statusCode(200);
      get(page.instanceSecret(), path, ProductPage.INSTANCE).statusCode(200);
    }
  }

  @Test
  void unknownEntitlementIsNotFound() {
    get(
            page.instanceSecret(),
            "/api/instances/{id}/entitlements/{slug}",
            ProductPage.INSTANCE,
            "nope")
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("entitlement 'nope' does not exist"));
  }

  @Test
  void inactiveLicenseIsDeniedWithItsReason() {
    String customer =
        page.admin().customers().createCustomer(page.adminToken(), "Trial Co", null).id();
    String license =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new LicenseDraft(
                    customer,
                    "pro",
                    LicenseStatus.TRIAL,
                    null,
                    Instant.now().minusSeconds(60),
                    null,
                    null))
            .id();
    String token =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), "trial-prod", license, null, null)
            .secret();
    get(token, "/api/instances/{id}/entitlements/{slug}", "trial-prod", "sso")
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("value", nullValue())
        .body("source", equalTo("NONE"))
        .body("reason", equalTo("TRIAL_ENDED"));
    get(token, "/api/instances/{id}/entitlements/{slug}/usage", "trial-prod", "api-calls")
        .statusCode(200)
        .body("status", equalTo("REJECTED"))
        .body("limit", nullValue());
  }

  @Test
  void anUpgradeAndADowngradeChangeTheAnswerForEveryInstanceOnItsNextRequest() {
    page.admin()
        .catalog()
        .createTier(
            page.adminToken(),
            new TierDraft(
                "free",
                "Free",
                1,
                Map.of("api-calls", IntNode.valueOf(1000), "sso", BooleanNode.FALSE)));
    Map<String, String> instances =
        Map.of(
            ProductPage.INSTANCE, page.instanceSecret(), ProductPage.STAGING, page.stagingSecret());
    instances.forEach(
        (instance, token) ->
            get(token, "/api/instances/{id}/entitlements/{slug}", instance, "sso")
                .statusCode(200)
                .body("enabled", equalTo(true)));

    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch("free", null, null, null, null, null));
    instances.forEach(
        (instance, token) -> {
          get(token, "/api/instances/{id}/entitlements/{slug}", instance, "sso")
              .statusCode(200)
              .body("enabled", equalTo(false))
              .body("source", equalTo("TIER"));
          get(token, "/api/instances/{id}/entitlements/{slug}/usage", instance, "api-calls")
              .statusCode(200)
              .body("limit", equalTo(1000));
        });

    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch("pro", null, null, null, null, null));
    instances.forEach(
        (instance, token) -> {
          get(token, "/api/instances/{id}/entitlements/{slug}", instance, "sso")
              .statusCode(200)
              .body("enabled", equalTo(true));
          get(token, "/api/instances/{id}/entitlements/{slug}/usage", instance, "api-calls")
              .statusCode(200)
              .body("limit", equalTo(100000));
        });

    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));
    instances.forEach(
        (instance, token) ->
            get(token, "/api/instances/{id}/entitlements/{slug}", instance, "sso")
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("reason", equalTo("LICENSE_SUSPENDED")));
  }
}
