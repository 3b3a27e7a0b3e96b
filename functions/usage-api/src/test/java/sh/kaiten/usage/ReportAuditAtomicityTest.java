package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.testing.FailingWrites;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * Issue 14: a counted report and its audit record are one transaction, so a failure between the
 * counter change and the record cannot happen. A transaction that fails stores neither; one stored
 * whose answer is lost (the function stopping before it answers) stores both; and a retry with the
 * same idempotency key counts once, its counted record there exactly once beside a replay's record.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class ReportAuditAtomicityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;
  @Inject AuditLog audit;
  @Inject FailingWrites failing;

  private ProductPage page;
  private final String auditTable = LocalAwsResource.localAws().resources().ref("AuditTable");

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  @AfterEach
  void disarm() {
    failing.disarm();
  }

  private Response report(int value, String key) {
    var request =
        given()
            .header("Authorization", "Bearer " + page.instanceSecret())
            .contentType(ContentType.JSON)
            .body("{\"entitlement_slug\":\"api-calls\",\"value\":" + value + "}");
    if (key != null) {
      request = request.header("Idempotency-Key", key);
    }
    return request.when().post("/api/instances/{id}/usage", ProductPage.INSTANCE);
  }

  private Response batch(String... keys) {
    List<String> events = new ArrayList<>();
    for (String key : keys) {
      events.add(
          "{\"entitlement_slug\":\"api-calls\",\"value\":2,\"idempotency_key\":\"" + key + "\"}");
    }
    return given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body("{\"events\":[" + String.join(",", events) + "]}")
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE);
  }

  private BigDecimal usage() {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), ProductPage.INSTANCE, "api-calls")
        .currentUsage();
  }

  /**
   * Every report the trail holds, newest record first: each its request and its result, one per
   * event of a batch.
   */
  private List<Reported> reported() throws Exception {
    List<Reported> reports = new ArrayList<>();
    for (AuditRecord record :
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter(ProductPage.INSTANCE, null, "usage.reported", null, null),
                PageRequest.of(null, 200))
            .items()) {
      assertThat(record.intact()).isTrue();
      JsonNode request = JSON.readTree(record.request());
      JsonNode result = JSON.readTree(record.result());
      if (request.has("events")) {
        for (int i = 0; i < request.get("events").size(); i++) {
          reports.add(new Reported(request.get("events").get(i), result.get("results").get(i)));
        }
      } else {
        reports.add(new Reported(request, result));
      }
    }
    return reports;
  }

  private record Reported(JsonNode request, JsonNode result) {
    String key() {
      return request.path("idempotency_key").asText(null);
    }

    /** ACCEPTED and not a replay: the record of the report as counted. */
    boolean counted() {
      return "ACCEPTED".equals(result.path("status").asText())
          && !result.path("replayed").asBoolean();
    }
  }

  @Test
  void aReportWhoseTransactionFailsIsNeitherCountedNorRecordedAndItsRetryCountsOnceWithOneRecord()
      throws Exception {
    failing.failNextWriteTo(auditTable);

    report(5, "k-fail")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/outcome-unknown"));

    assertThat(usage()).isEqualByComparingTo("0");
    assertThat(reported()).isEmpty();

    report(5, "k-fail")
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", nullValue())
        .body("current_usage", equalTo(5));
    assertThat(usage()).isEqualByComparingTo("5");
    List<Reported> trail = reported();
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).key()).isEqualTo("k-fail");
    assertThat(trail.get(0).result())
        .isEqualTo(
            JSON.readTree(
                "{\"status\":\"ACCEPTED\",\"current_usage\":5,\"limit\":100000,\"reason\":null,\"replayed\":false}"));
  }

  @Test
  void aReportStoredWhoseAnswerIsLostHasItsRecordAndItsRetryIsAReplayCountedOnce()
      throws Exception {
    failing.failAfterNextWriteTo(auditTable);

    // The transaction was stored; the function cannot tell, so it says it may have been counted,
    // never "not applied".
    report(5, "k-lost")
        .then()
        .statusCode(503)
        .body("type", equalTo("https://kaiten.sh/problems/outcome-unknown"));

    assertThat(usage()).isEqualByComparingTo("5");
    List<Reported> stored = reported();
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).key()).isEqualTo("k-lost");
    assertThat(stored.get(0).counted()).isTrue();

    report(5, "k-lost")
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", "true")
        .body("current_usage", equalTo(5));
    assertThat(usage()).isEqualByComparingTo("5");
    List<Reported> trail = reported();
    assertThat(trail).extracting(Reported::key).containsExactly("k-lost", "k-lost");
    assertThat(trail.get(0).result().get("replayed").asBoolean()).isTrue();
    assertThat(trail.get(1).result())
        .isEqualTo(
            JSON.readTree(
                "{\"status\":\"ACCEPTED\",\"current_usage\":5,\"limit\":100000,\"reason\":null,\"replayed\":false}"));
  }

  @Test
  void aReportWithoutKeyStoredWhoseAnswerIsLostIsCountedAndRecordedTogether() throws Exception {
    failing.failAfterNextWriteTo(auditTable);

    report(7, null)
        .then()
        .statusCode(503)
        .body("type", equalTo("https://kaiten.sh/problems/outcome-unknown"))
        .body(
            "detail",
            equalTo(
                "the store failed while this report was written; it may or may not have been counted:"
                    + " it has no idempotency_key, so sending it again may count it twice"));

    assertThat(usage()).isEqualByComparingTo("7");
    List<Reported> trail = reported();
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).request().get("value").intValue()).isEqualTo(7);
    assertThat(trail.get(0).counted()).isTrue();
  }

  @Test
  void aBatchWhoseTransactionFailsCountsAndRecordsNothingAsCountedAndItsRetryIsExact()
      throws Exception {
    failing.failNextWriteTo(auditTable);

    batch("b-1", "b-2", "b-3")
        .then()
        .statusCode(200)
        .body(
            "results.error.type",
            equalTo(
                List.of(
                    "https://kaiten.sh/problems/outcome-unknown",
                    "https://kaiten.sh/problems/outcome-unknown",
                    "https://kaiten.sh/problems/outcome-unknown")));

    assertThat(usage()).isEqualByComparingTo("0");
    // What the batch answered is recorded (each report's error), but no report as counted.
    assertThat(reported()).extracting(Reported::counted).containsExactly(false, false, false);

    batch("b-1", "b-2", "b-3")
        .then()
        .statusCode(200)
        .body("results.result.current_usage", equalTo(List.of(2, 4, 6)))
        .body("results.replayed", equalTo(List.of(false, false, false)));
    assertThat(usage()).isEqualByComparingTo("6");
    assertThat(reported().stream().filter(Reported::counted).map(Reported::key).toList())
        .containsExactly("b-1", "b-2", "b-3");
  }

  @Test
  void aBatchWhoseTalliesCannotBeRecordedIsAnsweredAsCarriedOutWithItsReportsCountedAndRecorded()
      throws Exception {
    failing.failNextPlainWriteTo(auditTable);
    String minute =
        java.time.Instant.now()
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            .minusSeconds(120)
            .toString();

    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body(
            "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1,\"idempotency_key\":\"t-1\"},"
                + "{\"entitlement_slug\":\"api-calls\",\"value\":2,\"idempotency_key\":\"t-2\"}],"
                + "\"checks\":{\"id\":\"chk-lost\",\"tallies\":[{\"entitlement\":\"sso\",\"minute\":\""
                + minute
                + "\",\"allowed\":true,\"reason\":\"GRANTED\",\"count\":5}]}}")
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
        .then()
        .statusCode(500)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/audit-not-recorded"))
        .body(
            "detail",
            equalTo(
                "the request was carried out, but its audit record could not be written;"
                    + " check the outcome before repeating it"));

    assertThat(usage()).isEqualByComparingTo("3");
    assertThat(reported().stream().filter(Reported::counted).map(Reported::key).toList())
        .containsExactly("t-1", "t-2");
    assertThat(
            audit
                .page(
                    page.adminToken().tenantId(),
                    new AuditFilter(ProductPage.INSTANCE, null, "entitlement.checked", null, null),
                    PageRequest.of(null, 10))
                .items())
        .isEmpty();
  }

  @Test
  void aBatchStoredWhoseAnswerIsLostHasItsRecordsAndItsRetryIsReplayedCountedOnce()
      throws Exception {
    failing.failAfterNextWriteTo(auditTable);

    batch("c-1", "c-2", "c-3")
        .then()
        .statusCode(200)
        .body(
            "results.error.type",
            equalTo(
                List.of(
                    "https://kaiten.sh/problems/outcome-unknown",
                    "https://kaiten.sh/problems/outcome-unknown",
                    "https://kaiten.sh/problems/outcome-unknown")));

    assertThat(usage()).isEqualByComparingTo("6");
    assertThat(reported().stream().filter(Reported::counted).map(Reported::key).toList())
        .containsExactly("c-1", "c-2", "c-3");

    batch("c-1", "c-2", "c-3")
        .then()
        .statusCode(200)
        .body("results.result.current_usage", equalTo(List.of(2, 4, 6)))
        .body("results.replayed", equalTo(List.of(true, true, true)));
    assertThat(usage()).isEqualByComparingTo("6");
    List<Reported> trail = reported();
    assertThat(trail.stream().filter(Reported::counted).map(Reported::key).toList())
        .containsExactly("c-1", "c-2", "c-3");
    assertThat(
            trail.stream()
                .filter(one -> one.result().path("replayed").asBoolean())
                .map(Reported::key)
                .toList())
        .containsExactly("c-1", "c-2", "c-3");
  }
}
