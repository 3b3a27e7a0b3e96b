package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.sqs.SqsBillingJobs;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.QueueMessages;

/**
 * A Stripe backfill through admin-api: a past range, at most Stripe's 35 days back, queued for
 * billing-sync as a job and audited; every bad field refused by name with nothing queued nor
 * recorded. Likewise an admin's reconciliation, whose result the connector's status then shows.
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class StripeBackfillApiTest {
  private static final String PATH = "/api/connectors/stripe/backfill";

  private String admin;
  private String tenant;

  @BeforeEach
  void connected() {
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
    call(
            "POST",
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\","
                + "\"aggregation\":\"SUM\"}")
        .statusCode(201);
  }

  private void connect() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    call(
            "PUT",
            "/api/connectors/stripe",
            "{\"api_key\":\"rk_test_"
                + HexFormat.of().formatHex(random)
                + "\",\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"}}}")
        .statusCode(201);
  }

  private ValidatableResponse call(String method, String path, String body) {
    var request = given().header("Authorization", "Bearer " + admin);
    if (body != null) {
      request.contentType("application/json").body(body);
    }
    return request.when().request(method, path).then();
  }

  @Test
  void aPastRangeIsQueuedForBillingSyncAndAudited() {
    connect();
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(30));
    Instant to = from.plus(Duration.ofDays(7));

    call("POST", PATH, "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}")
        .statusCode(202)
        .body("status", equalTo("queued"))
        .body("from", equalTo(from.toString()))
        .body("to", equalTo(to.toString()));

    assertThat(QueueMessages.take("BillingQueue", tenant))
        .containsExactly(
            SqsBillingJobs.toJson(
                new BillingJob.Backfill(tenant, from, to, BillingJob.Progress.START)));
    call("GET", "/api/audit?type=connector.stripe.backfill_requested", null)
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].request.body.from", equalTo(from.toString()))
        .body("items[0].result.status", equalTo(202));
  }

  @Test
  void everyBadFieldIsRefusedByNameAndNothingIsQueuedNorRecorded() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String day = now.minus(Duration.ofDays(1)).toString();
    // Without a connector, a good range is a 404.
    call("POST", PATH, "{\"from\":\"" + day + "\"}").statusCode(404);
    connect();
    Map<String, String> refusals = new LinkedHashMap<>();
    refusals.put("{}", "from");
    refusals.put("{\"from\":\"yesterday\"}", "from");
    refusals.put("{\"from\":\"" + day + "\",\"to\":12}", "to");
    refusals.put("{\"from\":\"" + day + "\",\"to\":\"" + now.plusSeconds(3600) + "\"}", "to");
    refusals.put("{\"from\":\"" + day + "\",\"to\":\"" + day + "\"}", "to");
    refusals.put("{\"from\":\"" + now.minus(Duration.ofDays(36)) + "\"}", "from");
    refusals.put("{\"from\":\"" + day + "\",\"surprise\":1}", "surprise");
    refusals.forEach(
        (body, field) ->
            call("POST", PATH, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));
    call("POST", PATH, null).statusCode(400).contentType("application/problem+json");

    assertThat(QueueMessages.take("BillingQueue", tenant)).isEmpty();
    call("GET", "/api/audit?type=connector.stripe.backfill_requested", null)
        .statusCode(200)
        .body("items", hasSize(0));
  }

  private static final String RECONCILE = "/api/connectors/stripe/reconciliation";

  @Inject ReconciliationReports reconciliations;

  @Test
  void aReconciliationIsQueuedAuditedAndItsResultShownByTheStatus() {
    connect();
    call("GET", "/api/connectors/stripe/status", null)
        .statusCode(200)
        .body("last_reconciliation", nullValue());
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofDays(1));

    String runId =
        call("POST", RECONCILE, "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}")
            .statusCode(202)
            .body("status", equalTo("queued"))
            .body("from", equalTo(from.toString()))
            .body("to", equalTo(to.toString()))
            .extract()
            .path("run_id");

    assertThat(runId).startsWith("requested:rcn_");
    assertThat(QueueMessages.take("BillingQueue", tenant))
        .singleElement()
        .satisfies(
            message ->
                assertThat(SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(message)))
                    .isEqualTo(
                        new BillingJob.Reconciliation(
                            tenant,
                            runId,
                            from,
                            to,
                            ((BillingJob.Reconciliation)
                                    SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(message)))
                                .recordsTo())));
    call("GET", "/api/audit?type=connector.stripe.reconciliation_requested", null)
        .statusCode(200)
        .body("items", hasSize(1));

    reconciliations.record(
        new ReconciliationReport(
            tenant,
            runId,
            from,
            to,
            to.plusSeconds(5),
            12,
            2,
            1,
            List.of(
                new ReconciliationReport.Difference(
                    "cus_acme",
                    "cus_Stripe1",
                    "api-calls",
                    "api_calls",
                    new BigDecimal("42"),
                    new BigDecimal("40"))),
            List.of(),
            List.of(
                new ReconciliationReport.MeterFinding(
                    "logins",
                    "logins",
                    "mtr_logins",
                    MeterFormula.LAST,
                    List.of(MeterFormula.COUNT, MeterFormula.SUM)),
                new ReconciliationReport.MeterFinding(
                    "storage-gb", "storage_mb", null, null, List.of(MeterFormula.SUM)))),
        List.of());
    call("GET", "/api/connectors/stripe/status", null)
        .statusCode(200)
        .body("last_reconciliation.run_id", equalTo(runId))
        .body("last_reconciliation.window_start", equalTo(from.toString()))
        .body("last_reconciliation.window_end", equalTo(to.toString()))
        .body("last_reconciliation.reports", equalTo(12))
        .body("last_reconciliation.compared", equalTo(2))
        .body("last_reconciliation.difference_count", equalTo(1))
        .body("last_reconciliation.differences[0].stripe_customer_id", equalTo("cus_Stripe1"))
        .body("last_reconciliation.differences[0].kaiten_value", equalTo(42))
        .body("last_reconciliation.differences[0].stripe_value", equalTo(40))
        .body(
            "last_reconciliation.meter_findings",
            equalTo(
                List.of(
                    Map.of(
                        "entitlement", "logins",
                        "event_name", "logins",
                        "problem", "wrong_formula",
                        "meter_id", "mtr_logins",
                        "formula", "last",
                        "formulas_needed", List.of("count", "sum")),
                    nullable(
                        "entitlement", "storage-gb",
                        "event_name", "storage_mb",
                        "problem", "no_active_meter",
                        "formulas_needed", List.of("sum")))));
  }

  /** A JSON object with these fields, and meter_id and formula null. */
  private static Map<String, Object> nullable(Object... fields) {
    Map<String, Object> json = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      json.put((String) fields[i], fields[i + 1]);
    }
    json.put("meter_id", null);
    json.put("formula", null);
    return json;
  }

  @Test
  void aBadReconciliationWindowIsRefusedByNameAndNothingIsQueued() {
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));
    call("POST", RECONCILE, "{\"from\":\"" + minute + "\"}").statusCode(404);
    connect();
    Map<String, String> refusals = new LinkedHashMap<>();
    refusals.put("{}", "from");
    refusals.put("{\"from\":\"" + minute.plusSeconds(1) + "\"}", "from");
    refusals.put("{\"from\":\"" + minute.minus(Duration.ofDays(32)) + "\"}", "from");
    refusals.put("{\"from\":\"" + minute + "\",\"to\":\"" + minute + "\"}", "to");
    refusals.put(
        "{\"from\":\"" + minute + "\",\"to\":\"" + minute.plus(Duration.ofHours(3)) + "\"}", "to");
    refusals.forEach(
        (body, field) ->
            call("POST", RECONCILE, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));

    assertThat(QueueMessages.take("BillingQueue", tenant)).isEmpty();
  }
}
