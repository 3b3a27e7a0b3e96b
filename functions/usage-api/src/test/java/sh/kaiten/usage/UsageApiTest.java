package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class UsageApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  private Response report(String token, String instance, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/instances/{id}/usage", instance);
  }

  private Response report(String body) {
    return report(page.instanceSecret(), ProductPage.INSTANCE, body);
  }

  /**
   * The definition cache keeps only what it found: a miss reads through, so a new entitlement
   * counts at once.
   */
  @Test
  void aJustCreatedEntitlementIsReportedAtOnce() {
    report("{\"entitlement_slug\":\"seats\",\"value\":1}")
        .then()
        .statusCode(422)
        .body("field", equalTo("entitlement_slug"));
    page.grant(
        new Entitlement(
            "seats",
            "Seats",
            EntitlementType.NUMERIC,
            new Metering(null, null, null, null, Enforcement.HARD, null, null, "seats"),
            null,
            null),
        JsonNodeFactory.instance.numberNode(10));

    report("{\"entitlement_slug\":\"seats\",\"value\":1}")
        .then()
        .statusCode(200)
        .body("entitlement", equalTo("seats"))
        .body("current_usage", equalTo(1))
        .body("limit", equalTo(10))
        .body("status", equalTo("ACCEPTED"));
  }

  @Test
  void productPageUsageRoundTrip() {
    report("{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .then()
        .statusCode(200)
        .body("current_usage", equalTo(1))
        .body("status", equalTo("ACCEPTED"));
    report("{\"entitlement_slug\":\"api-calls\",\"value\":67000}").then().statusCode(200);
    report("{\"entitlement_slug\":\"api-calls\",\"value\":432}")
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .body("entitlement", equalTo("api-calls"))
        .body("limit", equalTo(100000))
        .body("current_usage", equalTo(67433))
        .body("percentage_used", equalTo(67.4f))
        .body("status", equalTo("ACCEPTED"))
        .body("reason", nullValue())
        .body("enforcement", equalTo("HARD"))
        .body("aggregation", equalTo("SUM"))
        .body("unit", equalTo("calls"));

    // The read path (entitlements-api) runs this very use case against the same table.
    var state =
        new EntitlementQueries(
                catalog.definitions(),
                Lookups.instances(catalog, reads),
                counters,
                java.time.Clock.systemUTC())
            .usage(page.adminToken(), ProductPage.INSTANCE, "api-calls");
    assertThat(state.currentUsage()).isEqualByComparingTo("67433");
    assertThat(state.percentageUsed()).isEqualTo(new BigDecimal("67.4"));
  }

  @Test
  void concurrentReportsAreEachCountedOnce() throws Exception {
    List<Callable<Integer>> senders = new ArrayList<>();
    for (int thread = 0; thread < 8; thread++) {
      senders.add(
          () -> {
            int ok = 0;
            for (int i = 0; i < 250; i++) {
              if (report("{\"entitlement_slug\":\"api-calls\",\"value\":1}").statusCode() == 200) {
                ok++;
              }
            }
            return ok;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      int accepted = 0;
      for (Future<Integer> done : pool.invokeAll(senders)) {
        accepted += done.get();
      }
      assertThat(accepted).isEqualTo(2000);
    } finally {
      pool.shutdownNow();
    }
    report("{\"entitlement_slug\":\"api-calls\",\"value\":0}")
        .then()
        .body("current_usage", equalTo(2000));
  }

  @Test
  void hardLimitHoldsUnderConcurrentReports() throws Exception {
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new sh.kaiten.domain.catalog.Entitlement(
                "seats",
                "Seats",
                sh.kaiten.domain.catalog.EntitlementType.NUMERIC,
                null,
                null,
                null));
    var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    page.admin()
        .catalog()
        .createTier(
            page.adminToken(),
            new sh.kaiten.domain.admin.TierDraft(
                "seats-100", "Seats", 1, Map.of("seats", json.numberNode(100))));
    String customer =
        page.admin().customers().createCustomer(page.adminToken(), "Seat Co", null).id();
    String license =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new sh.kaiten.domain.admin.LicenseDraft(
                    customer, "seats-100", null, null, null, null, null))
            .id();
    String token =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), "seat-prod", license, null, null)
            .secret();

    List<Callable<String>> reports = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      reports.add(
          () ->
              report(token, "seat-prod", "{\"entitlement_slug\":\"seats\",\"value\":1}")
                  .then()
                  .statusCode(200)
                  .extract()
                  .path("status"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Map<String, Integer> outcomes = new java.util.TreeMap<>();
    try {
      for (Future<String> outcome : pool.invokeAll(reports)) {
        outcomes.merge(outcome.get(), 1, Integer::sum);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(outcomes).isEqualTo(Map.of("ACCEPTED", 100, "REJECTED", 300));
    report(token, "seat-prod", "{\"entitlement_slug\":\"seats\",\"value\":1}")
        .then()
        .body("current_usage", equalTo(100))
        .body("status", equalTo("REJECTED"))
        .body("reason", equalTo("LIMIT_REACHED"));
  }
}
