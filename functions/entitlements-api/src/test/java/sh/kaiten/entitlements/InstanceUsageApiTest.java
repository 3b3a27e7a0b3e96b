package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/** GET /api/instances/{id}/usage: every NUMERIC entitlement's usage state at once. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class InstanceUsageApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
    // A second NUMERIC entitlement, a lifetime license pool the Pro tier does not grant.
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "build-minutes",
                "Build minutes",
                EntitlementType.NUMERIC,
                new Metering(
                    Aggregation.MAX,
                    Reset.NONE,
                    null,
                    MeterScope.LICENSE,
                    Enforcement.SOFT,
                    null,
                    null,
                    "minutes"),
                null,
                null));
  }

  private ValidatableResponse get(String token, String path, Object... params) {
    return given().header("Authorization", "Bearer " + token).when().get(path, params).then();
  }

  private void report(String slug, String value) {
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
            new UsageReport(slug, new BigDecimal(value), null));
  }

  @Test
  void everyNumericEntitlementsUsageStateInSlugOrder() {
    report("api-calls", "67000");
    report("api-calls", "433");
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    get(page.instanceSecret(), "/api/instances/{id}/usage", ProductPage.INSTANCE)
        .statusCode(200)
        .contentType("application/json")
        .body("instance", equalTo(ProductPage.INSTANCE))
        .body("usage.entitlement", contains("api-calls", "build-minutes"))
        .body("usage[0].limit", equalTo(100000))
        .body("usage[0].current_usage", equalTo(67433))
        .body("usage[0].percentage_used", equalTo(67.4f))
        .body("usage[0].status", equalTo("ACCEPTED"))
        .body("usage[0].aggregation", equalTo("SUM"))
        .body("usage[0].enforcement", equalTo("HARD"))
        .body("usage[0].unit", equalTo("calls"))
        .body(
            "usage[0].period_start",
            equalTo(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()))
        .body(
            "usage[0].period_end",
            equalTo(
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()))
        // Not in the Pro tier: no limit, and reports would be refused.
        .body("usage[1].limit", equalTo(null))
        .body("usage[1].current_usage", equalTo(0))
        .body("usage[1].status", equalTo("REJECTED"))
        .body("usage[1].aggregation", equalTo("MAX"))
        .body("usage[1].period_start", equalTo(null))
        .body("usage[1].period_end", equalTo(null));
    // The staging instance has its own INSTANCE-scoped counter.
    get(page.stagingSecret(), "/api/instances/{id}/usage", ProductPage.STAGING)
        .statusCode(200)
        .body("usage.current_usage", contains(0, 0));
  }

  @Test
  void accessRulesHold() {
    String otherTenantAdmin =
        page.admin()
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Other vendor")
            .secret();
    given()
        .when()
        .get("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    get(page.stagingSecret(), "/api/instances/{id}/usage", ProductPage.INSTANCE)
        .statusCode(403)
        .contentType("application/problem+json");
    get(otherTenantAdmin, "/api/instances/{id}/usage", ProductPage.INSTANCE)
        .statusCode(404)
        .contentType("application/problem+json");
    get(page.adminSecret(), "/api/instances/{id}/usage", "nope")
        .statusCode(404)
        .contentType("application/problem+json");
    get(page.adminSecret(), "/api/instances/{id}/usage", ProductPage.INSTANCE)
        .statusCode(200)
        .body("usage.entitlement", contains(Arrays.asList("api-calls", "build-minutes").toArray()));
  }
}
