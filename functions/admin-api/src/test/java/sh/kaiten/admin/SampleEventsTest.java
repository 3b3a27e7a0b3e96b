package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;

/**
 * The handler, driven with the sample API Gateway events of infra/events/ (raw Lambda invocations).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class SampleEventsTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private static JsonPath invoke(String sample, Map<String, String> tokens, int expectedStatus) {
    String event = SampleEvents.read(sample, tokens);
    JsonPath response =
        JsonPath.from(
            given()
                .body(event)
                .when()
                .post("/_lambda_")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    assertThat(response.getInt("statusCode")).isEqualTo(expectedStatus);
    return JsonPath.from(response.getString("body"));
  }

  @Test
  void createTenantThenEntitlementEvents() {
    JsonPath tenant =
        invoke(
            "admin-api/create-tenant.json",
            Map.of(SampleEvents.BOOTSTRAP_SECRET, LocalAwsResource.bootstrapSecret()),
            201);
    assertThat(tenant.getString("name")).isEqualTo("Acme Vendor");
    String admin = tenant.getString("admin_token.token");
    JsonPath entitlement =
        invoke("admin-api/create-entitlement.json", Map.of(SampleEvents.ADMIN_TOKEN, admin), 201);
    assertThat(entitlement.getString("slug")).isEqualTo("api-calls");
    assertThat(entitlement.getString("type")).isEqualTo("NUMERIC");
  }

  /**
   * The export answers its text through API Gateway as it is, not base64-encoded, in both formats.
   */
  @Test
  void usageExportEvent() {
    ProductPage page = ProductPage.seed(catalog);
    Instant at = Instant.parse("2026-10-15T00:00:00Z");
    Period october = Periods.containing(Reset.MONTH, ResetAnchor.CALENDAR, null, at);
    counters.add(
        new CounterKey(
            page.adminToken().tenantId(),
            "api-calls",
            CounterKey.instanceHolder(ProductPage.INSTANCE),
            october.key()),
        Metering.of(Aggregation.SUM),
        PeriodClose.of(october, Duration.ofHours(24), null),
        new BigDecimal("42"),
        at,
        null);
    Map<String, String> bodies =
        Map.of(
            "csv",
                "entitlement,holder,period_start,period_end,aggregation,usage,reports,closed\r\n"
                    + "api-calls,instance:acme-prod,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,SUM,42,1,true\r\n",
            "ndjson",
                "{\"entitlement\":\"api-calls\",\"holder\":\"instance:acme-prod\",\"period_start\":\"2026-10-01T00:00:00Z\","
                    + "\"period_end\":\"2026-11-01T00:00:00Z\",\"aggregation\":\"SUM\",\"usage\":42,\"reports\":1,\"closed\":true}\n");
    bodies.forEach(
        (format, body) -> {
          String event =
              SampleEvents.read(
                      "admin-api/usage-export.json",
                      Map.of(SampleEvents.ADMIN_TOKEN, page.adminSecret()))
                  .replace("format=csv", "format=" + format)
                  .replace("\"format\": \"csv\"", "\"format\": \"" + format + "\"");
          JsonPath response =
              JsonPath.from(
                  given()
                      .body(event)
                      .when()
                      .post("/_lambda_")
                      .then()
                      .statusCode(200)
                      .extract()
                      .asString());
          assertThat(response.getInt("statusCode")).as(format).isEqualTo(200);
          assertThat(response.getBoolean("isBase64Encoded")).as(format).isFalse();
          assertThat(response.getString("body")).as(format).isEqualTo(body);
        });
  }
}
