package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Clock;
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
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.DynamoRequests.Call;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * Leased quota over HTTP against DynamoDB Local: grants, settlements, releases, their costs,
 * records and refusals.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class LeaseApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;
  @Inject DynamoRequests requests;
  @Inject KaitenConfig config;
  @Inject AuditLog audit;
  @Inject UsageHistory history;

  private ProductPage page;
  private String prod;
  private String staging;
  private final String prodId = "lease-prod-" + System.nanoTime();
  private final String stagingId = "lease-staging-" + System.nanoTime();

  @BeforeEach
  void leasableEntitlements() {
    page = ProductPage.seed(catalog);
    var json = JsonNodeFactory.instance;
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "calls",
                "Calls",
                EntitlementType.NUMERIC,
                new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null),
                null,
                null));
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "pool",
                "Pool",
                EntitlementType.NUMERIC,
                new Metering(
                    Aggregation.SUM,
                    null,
                    null,
                    MeterScope.LICENSE,
                    Enforcement.HARD,
                    null,
                    null,
                    null),
                null,
                null));
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "soft",
                "Soft",
                EntitlementType.NUMERIC,
                new Metering(Aggregation.SUM, null, null, null, Enforcement.SOFT, null, null, null),
                null,
                null));
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "jobs",
                "Jobs",
                EntitlementType.NUMERIC,
                new Metering(
                    Aggregation.COUNT, null, null, null, Enforcement.HARD, null, null, null),
                null,
                null));
    page.admin()
        .catalog()
        .createTier(
            page.adminToken(),
            new TierDraft(
                "leased",
                "Leased",
                5,
                Map.of(
                    "calls",
                    json.numberNode(100),
                    "pool",
                    json.numberNode(1000),
                    "soft",
                    json.numberNode(100),
                    "jobs",
                    json.numberNode(20))));
    String customer =
        page.admin().customers().createCustomer(page.adminToken(), "Lease Co", null).id();
    String license =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new LicenseDraft(customer, "leased", null, null, null, null, null))
            .id();
    prod =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), prodId, license, null, null)
            .secret();
    staging =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), stagingId, license, null, null)
            .secret();
  }

  private static Response post(String token, String path, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post(path);
  }

  private Response grant(String token, String instance, String slug, Object units) {
    return post(
        token,
        "/api/instances/" + instance + "/leases",
        "{\"entitlement_slug\":\"" + slug + "\",\"units\":" + units + "}");
  }

  private Response report(String token, String instance, String body) {
    return post(token, "/api/instances/" + instance + "/usage", body);
  }

  private Response release(String token, String instance, String slug, String leaseId) {
    return given()
        .header("Authorization", "Bearer " + token)
        .when()
        .delete("/api/instances/{id}/leases/{slug}/{lease}", instance, slug, leaseId);
  }

  @Test
  void aLeaseIsGrantedSettledAndReleasedEachInOneWriteWithItsRecord() {
    report(prod, prodId, "{\"entitlement_slug\":\"calls\",\"value\":30}").then().statusCode(200);

    requests.clear();
    String leaseId =
        grant(prod, prodId, "calls", 50)
            .then()
            .statusCode(200)
            .body("lease_id", matchesPattern("lse_[0-9a-z]{26}"))
            .body("entitlement", equalTo("calls"))
            .body("requested", equalTo(50))
            .body("granted", equalTo(50))
            .body("limit", equalTo(100))
            .body("current_usage", equalTo(30))
            .body("leased", equalTo(50))
            .body("available", equalTo(20))
            .body("reason", nullValue())
            .extract()
            .path("lease_id");
    // The token; the instance with its license; the counter with its leases; the lease and its
    // record.
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("GetItem", config.table().usage()),
            new Call("TransactWriteItems", null));

    requests.clear();
    report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"calls\",\"value\":20,\"lease_id\":\"" + leaseId + "\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACCEPTED"))
        .body("current_usage", equalTo(50));
    // The token; the instance with its license; the counter with its leases; the report, the
    // lease's units and
    // the record in one transaction; the counter again below its thresholds.
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("GetItem", config.table().usage()),
            new Call("TransactWriteItems", null),
            new Call("GetItem", config.table().usage()));

    // 30 used + 20 settled + 30 still leased: a plain report of 21 does not fit, 20 does.
    report(prod, prodId, "{\"entitlement_slug\":\"calls\",\"value\":21}")
        .then()
        .statusCode(200)
        .body("status", equalTo("REJECTED"))
        .body("reason", equalTo("LIMIT_REACHED"));

    requests.clear();
    release(prod, prodId, "calls", leaseId)
        .then()
        .statusCode(200)
        .body("lease_id", equalTo(leaseId))
        .body("released", equalTo(30))
        .body("current_usage", equalTo(50))
        .body("leased", equalTo(0))
        .body("available", equalTo(50));
    assertThat(requests.operations())
        .containsExactly("GetItem", "BatchGetItem", "GetItem", "TransactWriteItems");
    report(prod, prodId, "{\"entitlement_slug\":\"calls\",\"value\":50}")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACCEPTED"))
        .body("current_usage", equalTo(100));

    String tenant = page.adminToken().tenantId();
    List<AuditRecord> granted =
        audit
            .page(
                tenant,
                new AuditFilter(prodId, null, LeaseResource.GRANTED, null, null),
                PageRequest.of(null, 10))
            .items();
    List<AuditRecord> released =
        audit
            .page(
                tenant,
                new AuditFilter(prodId, null, LeaseResource.RELEASED, null, null),
                PageRequest.of(null, 10))
            .items();
    List<AuditRecord> reported =
        audit
            .page(
                tenant,
                new AuditFilter(prodId, null, "usage.reported", null, null),
                PageRequest.of(null, 10))
            .items();
    assertThat(granted).hasSize(1);
    assertThat(granted.get(0).result())
        .contains("\"lease_id\":\"" + leaseId + "\"")
        .contains("\"granted\":50");
    assertThat(released).hasSize(1);
    assertThat(released.get(0).result()).contains("\"released\":30");
    assertThat(reported)
        .filteredOn(record -> record.request().contains("\"lease_id\":\"" + leaseId + "\""))
        .hasSize(1);
  }

  @Test
  void aCountSettlementStandsForItsReportsTakesThatManyUnitsAndItsRecordHoldsThem() {
    String leaseId =
        grant(prod, prodId, "jobs", 10)
            .then()
            .statusCode(200)
            .body("granted", equalTo(10))
            .extract()
            .path("lease_id");
    String settlement =
        "{\"entitlement_slug\":\"jobs\",\"value\":7,\"reports\":7,\"lease_id\":\""
            + leaseId
            + "\",\"idempotency_key\":\"flush-7\"}";

    report(prod, prodId, settlement)
        .then()
        .statusCode(200)
        .body("status", equalTo("ACCEPTED"))
        .body("current_usage", equalTo(7));
    // Sent again (a lost answer): the first answer, counted once.
    report(prod, prodId, settlement)
        .then()
        .statusCode(200)
        .header(UsageResource.REPLAYED, "true")
        .body("current_usage", equalTo(7));
    // 3 left on the lease, 10 in the pool: 14 reports do not fit and count nothing, 13 do.
    report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"jobs\",\"value\":14,\"reports\":14,\"lease_id\":\""
                + leaseId
                + "\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("REJECTED"))
        .body("reason", equalTo("LIMIT_REACHED"))
        .body("current_usage", equalTo(7));
    report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"jobs\",\"value\":13,\"reports\":13,\"lease_id\":\""
                + leaseId
                + "\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACCEPTED"))
        .body("current_usage", equalTo(20));

    release(prod, prodId, "jobs", leaseId)
        .then()
        .statusCode(200)
        .body("released", equalTo(0))
        .body("current_usage", equalTo(20));
    assertThat(tally(prodId, "jobs", Aggregation.COUNT).count()).isEqualTo(20);
    List<AuditRecord> reported =
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter(prodId, null, "usage.reported", null, null),
                PageRequest.of(null, 10))
            .items();
    // The settlement and its replay, the one refused and the last one.
    assertThat(reported).extracting(LeaseApiTest::reports).containsExactlyInAnyOrder(7, 7, 14, 13);
  }

  @Test
  void aSumSettlementOfManyReportsAddsItsValueToTheUsageAndItsReportsToTheCount() {
    String leaseId =
        grant(prod, prodId, "calls", 50).then().statusCode(200).extract().path("lease_id");

    report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"calls\",\"value\":12,\"reports\":5,\"lease_id\":\""
                + leaseId
                + "\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACCEPTED"))
        .body("current_usage", equalTo(12));
    report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"calls\",\"value\":3,\"reports\":1,\"lease_id\":\""
                + leaseId
                + "\"}")
        .then()
        .statusCode(200)
        .body("current_usage", equalTo(15));

    Tally tally = tally(prodId, "calls", Aggregation.SUM);
    assertThat(tally.sum()).isEqualByComparingTo("15");
    assertThat(tally.count()).isEqualTo(6);
    release(prod, prodId, "calls", leaseId).then().statusCode(200).body("released", equalTo(35));
    List<AuditRecord> reported =
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter(prodId, null, "usage.reported", null, null),
                PageRequest.of(null, 10))
            .items();
    // One report is the default: its record does not say it.
    assertThat(reported).extracting(LeaseApiTest::reports).containsExactlyInAnyOrder(5, null);
  }

  @Test
  void reportsOutsideASettlementOrNotOneToABillionIsA400NamingItAndWritesNothing() {
    String leaseId =
        grant(prod, prodId, "jobs", 10).then().statusCode(200).extract().path("lease_id");
    requests.clear();

    problem(
        report(prod, prodId, "{\"entitlement_slug\":\"jobs\",\"value\":1,\"reports\":2}"),
        400,
        "reports");
    problem(
        post(
            prod,
            "/api/instances/" + prodId + "/usage/batch",
            "{\"events\":[{\"entitlement_slug\":\"jobs\",\"value\":1},{\"entitlement_slug\":\"jobs\",\"value\":1,\"reports\":1}]}"),
        400,
        "events[1].reports");
    for (String reports : List.of("0", "-1", "1000000001", "10000000000", "7.5", "\"7\"", "true")) {
      problem(
          report(
              prod,
              prodId,
              "{\"entitlement_slug\":\"jobs\",\"value\":1,\"reports\":"
                  + reports
                  + ",\"lease_id\":\""
                  + leaseId
                  + "\"}"),
          400,
          "reports");
    }

    assertThat(requests.operations()).doesNotContain("UpdateItem", "TransactWriteItems", "PutItem");
    assertThat(usage(prodId, "jobs")).isEqualTo(0);
    release(prod, prodId, "jobs", leaseId).then().statusCode(200).body("released", equalTo(10));
  }

  /** The {@code reports} a report's record holds, null when it holds none. */
  private static Integer reports(AuditRecord record) {
    try {
      JsonNode reports = new ObjectMapper().readTree(record.request()).path("reports");
      return reports.isMissingNode() ? null : reports.intValue();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An instance's counter of {@code slug} as stored: its only period. */
  private Tally tally(String instance, String slug, Aggregation aggregation) {
    List<UsageHistory.PeriodTally> periods =
        history
            .periods(
                page.adminToken().tenantId(),
                slug,
                CounterKey.instanceHolder(instance),
                aggregation,
                null,
                null,
                null,
                10)
            .periods();
    assertThat(periods).hasSize(1);
    return periods.get(0).tally();
  }

  @Test
  void aGrantOfNothingAnswersWhyAndWritesOnlyItsRecord() {
    report(prod, prodId, "{\"entitlement_slug\":\"calls\",\"value\":100}").then().statusCode(200);

    requests.clear();
    grant(prod, prodId, "calls", 5)
        .then()
        .statusCode(200)
        .body("lease_id", nullValue())
        .body("granted", equalTo(0))
        .body("reason", equalTo("LIMIT_REACHED"))
        .body("available", equalTo(0));

    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("GetItem", config.table().usage()),
            new Call("PutItem", config.table().audit()));
  }

  @Test
  void badInputIsA4xxNamingTheFieldAndWritesNothing() {
    String leaseId =
        grant(prod, prodId, "calls", 10).then().statusCode(200).extract().path("lease_id");
    requests.clear();

    problem(grant(prod, prodId, "calls", 0), 400, "units");
    problem(grant(prod, prodId, "calls", -5), 400, "units");
    problem(grant(prod, prodId, "calls", "10000000000000001"), 400, "units");
    problem(grant(prod, prodId, "calls", "\"ten\""), 400, "units");
    problem(
        post(
            prod,
            "/api/instances/" + prodId + "/leases",
            "{\"entitlement_slug\":\"calls\",\"units\":1,\"ttl_seconds\":301}"),
        400,
        "ttl_seconds");
    problem(grant(prod, prodId, "soft", 1), 400, "entitlement_slug");
    problem(grant(prod, prodId, "sso", 1), 400, "entitlement_slug");
    problem(grant(prod, prodId, "nope", 1), 422, "entitlement_slug");
    problem(
        report(
            prod,
            prodId,
            "{\"entitlement_slug\":\"calls\",\"value\":1,\"lease_id\":\"lse_00000000000000000000000000\"}"),
        422,
        "lease_id");
    problem(
        report(prod, prodId, "{\"entitlement_slug\":\"calls\",\"value\":1,\"lease_id\":\"x\"}"),
        400,
        "lease_id");
    problem(
        post(
            prod,
            "/api/instances/" + prodId + "/usage/batch",
            "{\"events\":[{\"entitlement_slug\":\"calls\",\"value\":1,\"lease_id\":\""
                + leaseId
                + "\"}]}"),
        400,
        "events[0].lease_id");
    problem(release(prod, prodId, "calls", "lse_00000000000000000000000000"), 404, "lease_id");
    // Another instance of the license, and another tenant's instance, do not see the lease.
    problem(
        report(
            staging,
            stagingId,
            "{\"entitlement_slug\":\"calls\",\"value\":1,\"lease_id\":\"" + leaseId + "\"}"),
        422,
        "lease_id");
    problem(
        report(
            page.instanceSecret(),
            ProductPage.INSTANCE,
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"lease_id\":\"" + leaseId + "\"}"),
        422,
        "lease_id");
    problem(release(staging, stagingId, "calls", leaseId), 404, "lease_id");
    // An instance token outside its instance.
    given()
        .header("Authorization", "Bearer " + staging)
        .contentType(ContentType.JSON)
        .body("{\"entitlement_slug\":\"calls\",\"units\":1}")
        .when()
        .post("/api/instances/" + prodId + "/leases")
        .then()
        .statusCode(403);

    assertThat(requests.operations()).doesNotContain("UpdateItem", "TransactWriteItems");
    assertThat(usage(prodId, "calls")).isEqualTo(0);
  }

  private static void problem(Response response, int status, String field) {
    response
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("field", equalTo(field));
  }

  private long usage(String instance, String slug) {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), instance, slug)
        .currentUsage()
        .longValueExact();
  }

  @Test
  void leasedClientsAndPlainReportsOnALicensePoolNeverPassItsLimitTogether() throws Exception {
    // Two instances share a pool of 1000: each of 4 leasing clients takes 25 at a time and settles
    // them
    // one report of 5 at a time; 4 plain reporters send 7 at a time.
    List<Callable<int[]>> clients = new ArrayList<>();
    for (int client = 0; client < 8; client++) {
      String token = client % 2 == 0 ? prod : staging;
      String instance = client % 2 == 0 ? prodId : stagingId;
      boolean leasing = client < 4;
      clients.add(() -> leasing ? leaseAndSettle(token, instance) : reportPlainly(token, instance));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int accepted = 0;
    try {
      for (Future<int[]> done : pool.invokeAll(clients)) {
        accepted += done.get()[0];
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(usage(prodId, "pool"))
        .isEqualTo(accepted)
        .isLessThanOrEqualTo(1000)
        .isGreaterThan(1000 - 7);
    assertThat(usage(stagingId, "pool")).isEqualTo(accepted);
  }

  /**
   * Leases 25 units until less than 5 are granted, spending each lease in reports of 5 that name
   * it.
   */
  private int[] leaseAndSettle(String token, String instance) {
    int accepted = 0;
    while (true) {
      Response granted =
          grant(token, instance, "pool", 25).then().statusCode(200).extract().response();
      int units = granted.path("granted");
      if (units == 0) {
        return new int[] {accepted};
      }
      String leaseId = granted.path("lease_id");
      if (units < 5) { // less than one report's worth is left: give it back and stop
        release(token, instance, "pool", leaseId).then().statusCode(200);
        return new int[] {accepted};
      }
      for (int spent = 0; spent + 5 <= units; spent += 5) {
        String status =
            report(
                    token,
                    instance,
                    "{\"entitlement_slug\":\"pool\",\"value\":5,\"lease_id\":\"" + leaseId + "\"}")
                .then()
                .statusCode(200)
                .extract()
                .path("status");
        assertThat(status).isEqualTo("ACCEPTED"); // granted units are never refused
        accepted += 5;
      }
      release(token, instance, "pool", leaseId).then().statusCode(200);
    }
  }

  /** Reports 7 at a time until 10 reports in a row are refused. */
  private int[] reportPlainly(String token, String instance) {
    int accepted = 0;
    int refusedInARow = 0;
    while (refusedInARow < 10) {
      String status =
          report(token, instance, "{\"entitlement_slug\":\"pool\",\"value\":7}")
              .then()
              .statusCode(200)
              .extract()
              .path("status");
      if ("ACCEPTED".equals(status)) {
        accepted += 7;
        refusedInARow = 0;
      } else {
        refusedInARow++;
      }
    }
    return new int[] {accepted};
  }
}
