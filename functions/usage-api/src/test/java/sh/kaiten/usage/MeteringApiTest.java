package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.DynamoRequests.Call;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * The six aggregations, idempotency keys and batches over HTTP against DynamoDB Local, under
 * concurrency: every counter ends exact, every key counts once, no HARD limit is ever passed.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class MeteringApiTest {
  private static final int LIMIT = 1_000_000;

  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject DynamoRequests requests;
  @Inject UsageCounters counters;
  @Inject KaitenConfig config;
  @Inject AuditLog audit;

  private ProductPage page;
  private String token;
  private String instance;

  @BeforeEach
  void oneEntitlementPerAggregation() {
    page = ProductPage.seed(catalog);
    Map<String, JsonNode> limits = new HashMap<>();
    for (Aggregation aggregation : Aggregation.values()) {
      for (Enforcement enforcement : Enforcement.values()) {
        String slug = slug(aggregation, enforcement);
        page.admin()
            .catalog()
            .createEntitlement(
                page.adminToken(),
                new Entitlement(
                    slug,
                    slug,
                    EntitlementType.NUMERIC,
                    new Metering(aggregation, null, null, null, enforcement, null, null, null),
                    null,
                    null));
        limits.put(
            slug,
            JsonNodeFactory.instance.numberNode(enforcement == Enforcement.HARD ? 100 : LIMIT));
      }
    }
    page.admin()
        .catalog()
        .createTier(page.adminToken(), new TierDraft("metered", "Metered", 9, limits));
    String customer =
        page.admin().customers().createCustomer(page.adminToken(), "Meter Co", null).id();
    String license =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new LicenseDraft(customer, "metered", null, null, null, null, null))
            .id();
    instance = "meter-" + System.nanoTime();
    token =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), instance, license, null, null)
            .secret();
  }

  private static String slug(Aggregation aggregation, Enforcement enforcement) {
    return aggregation.name().toLowerCase() + "-" + enforcement.name().toLowerCase();
  }

  private Response post(String path, String body, String idempotencyHeader) {
    var request =
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(body);
    if (idempotencyHeader != null) {
      request = request.header("Idempotency-Key", idempotencyHeader);
    }
    return request.when().post("/api/instances/{id}" + path, instance);
  }

  private static String report(String slug, Object value, Instant at) {
    return "{\"entitlement_slug\":\""
        + slug
        + "\",\"value\":"
        + value
        + ",\"timestamp\":\""
        + at
        + "\"}";
  }

  private static <T> List<T> runAll(int threads, List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> done : pool.invokeAll(tasks)) {
        results.add(done.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyAggregationEndsExactUnderConcurrentReports() throws Exception {
    // 200 reports per aggregation, values 1..200 in random order, each at its own instant (value v
    // at base + v ms).
    Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<Integer> values = new ArrayList<>(IntStream.rangeClosed(1, 200).boxed().toList());
    Collections.shuffle(values, new Random(7));
    List<Callable<Integer>> reports = new ArrayList<>();
    for (Aggregation aggregation : Aggregation.values()) {
      String slug = slug(aggregation, Enforcement.SOFT);
      for (int value : values) {
        reports.add(
            () -> post("/usage", report(slug, value, base.plusMillis(value)), null).statusCode());
      }
    }
    assertThat(runAll(16, reports)).containsOnly(200);

    Map<Aggregation, String> expected =
        Map.of(
            Aggregation.SUM,
            "20100",
            Aggregation.COUNT,
            "200",
            Aggregation.MAX,
            "200",
            Aggregation.MIN,
            "1",
            Aggregation.AVERAGE,
            "100.5",
            Aggregation.LATEST,
            "200");
    for (Aggregation aggregation : Aggregation.values()) {
      assertThat(usage(slug(aggregation, Enforcement.SOFT)))
          .as(aggregation.name())
          .isEqualByComparingTo(expected.get(aggregation));
    }
  }

  /** The usage as the read path computes it, from the same table. */
  private BigDecimal usage(String slug) {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), instance, slug)
        .currentUsage();
  }

  @Test
  void noHardLimitIsEverPassedUnderConcurrentReports() throws Exception {
    List<Callable<String>> reports = new ArrayList<>();
    for (Aggregation aggregation : Aggregation.values()) {
      String slug = slug(aggregation, Enforcement.HARD);
      for (int i = 0; i < 60; i++) {
        int value = 60 + i; // 60..119 against a limit of 100: some values fit, some would pass it
        reports.add(
            () ->
                aggregation
                    + ":"
                    + post("/usage", report(slug, value, Instant.now()), null)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("status"));
      }
    }
    Map<String, Integer> outcomes = new HashMap<>();
    runAll(16, reports).forEach(outcome -> outcomes.merge(outcome, 1, Integer::sum));

    // SUM: one report of 60..100 fits, the rest would pass 100. COUNT: 60 reports, all under 100.
    assertThat(outcomes.get("SUM:ACCEPTED")).isEqualTo(1);
    assertThat(outcomes.get("COUNT:ACCEPTED")).isEqualTo(60);
    for (Aggregation gauge :
        List.of(Aggregation.MAX, Aggregation.MIN, Aggregation.LATEST, Aggregation.AVERAGE)) {
      assertThat(outcomes.get(gauge + ":ACCEPTED")).as(gauge.name()).isEqualTo(41);
      assertThat(outcomes.get(gauge + ":REJECTED")).as(gauge.name()).isEqualTo(19);
    }
    for (Aggregation aggregation : Aggregation.values()) {
      assertThat(usage(slug(aggregation, Enforcement.HARD)))
          .as(aggregation.name())
          .isLessThanOrEqualTo(BigDecimal.valueOf(100));
    }
    assertThat(usage("count-hard")).isEqualByComparingTo("60");
    assertThat(usage("max-hard")).isEqualByComparingTo("100");
    assertThat(usage("min-hard")).isEqualByComparingTo("60");
  }

  @Test
  void sixteenThreadsSendingFiveHundredKeysTwiceCountFiveHundred() throws Exception {
    List<Callable<Boolean>> reports = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int key = 0; key < 500; key++) {
        String body =
            "{\"entitlement_slug\":\"sum-soft\",\"value\":1,\"idempotency_key\":\"order-"
                + key
                + "\"}";
        reports.add(
            () -> {
              Response answer = post("/usage", body, null);
              assertThat(answer.statusCode()).isEqualTo(200);
              return "true".equals(answer.header("Idempotent-Replayed"));
            });
      }
    }
    Collections.shuffle(reports, new Random(11));
    List<Boolean> replayed = runAll(16, reports);

    assertThat(replayed.stream().filter(r -> r).count()).isEqualTo(500);
    assertThat(usage("sum-soft")).isEqualByComparingTo("500");
  }

  @Test
  void aKeyComesInTheBodyOrTheHeaderAndAnotherReportUnderItIsAConflict() {
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":7}", "invoice-7")
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", nullValue())
        .body("current_usage", equalTo(7));
    post(
            "/usage",
            "{\"entitlement_slug\":\"sum-hard\",\"value\":7,\"idempotency_key\":\"invoice-7\"}",
            null)
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", "true")
        .body("current_usage", equalTo(7))
        .body("status", equalTo("ACCEPTED"));
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":8}", "invoice-7")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("field", equalTo("idempotency_key"));
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":8,\"idempotency_key\":\"a\"}", "b")
        .then()
        .statusCode(400)
        .body("field", equalTo("idempotency_key"));
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":8}", "no spaces")
        .then()
        .statusCode(400)
        .body("field", equalTo("idempotency_key"));
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":0}", null)
        .then()
        .body("current_usage", equalTo(7));
  }

  @Test
  void aBatchAnswersEachEventOnItsOwnInOrder() {
    String body =
        """
        {"events":[
          {"entitlement_slug":"sum-hard","value":60},
          {"entitlement_slug":"sum-hard","value":50},
          {"entitlement_slug":"max-hard","value":42,"idempotency_key":"gauge-1"},
          {"entitlement_slug":"max-hard","value":42,"idempotency_key":"gauge-1"},
          {"entitlement_slug":"sum-hard","value":40}
        ]}""";
    // Checked whole first: one invalid event refuses the batch, naming it, and nothing is counted.
    post(
            "/usage/batch",
            "{\"events\":[{\"entitlement_slug\":\"sum-hard\",\"value\":60},"
                + "{\"entitlement_slug\":\"nope\",\"value\":1}]}",
            null)
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("field", equalTo("events[1].entitlement_slug"))
        .body("detail", equalTo("events[1]: entitlement 'nope' does not exist"));
    post(
            "/usage/batch",
            "{\"events\":[{\"entitlement_slug\":\"sum-hard\",\"value\":60},"
                + "{\"entitlement_slug\":\"sum-hard\",\"value\":-1}]}",
            null)
        .then()
        .statusCode(400)
        .body("field", equalTo("events[1].value"))
        .body("detail", equalTo("events[1]: value must not be negative"));
    post("/usage/batch", body, null)
        .then()
        .statusCode(200)
        .body("results.size()", equalTo(5))
        .body("results[0].index", equalTo(0))
        .body("results[0].result.status", equalTo("ACCEPTED"))
        .body("results[0].result.current_usage", equalTo(60))
        .body("results[1].result.status", equalTo("REJECTED"))
        .body("results[1].result.reason", equalTo("LIMIT_REACHED"))
        .body("results[2].result.current_usage", equalTo(42))
        .body("results[2].replayed", equalTo(false))
        .body("results[3].replayed", equalTo(true))
        .body("results[4].index", equalTo(4))
        .body("results[4].result.current_usage", equalTo(100));

    String tooMany =
        IntStream.range(0, 1001)
            .mapToObj(i -> "{\"entitlement_slug\":\"sum-soft\",\"value\":1}")
            .collect(java.util.stream.Collectors.joining(",", "{\"events\":[", "]}"));
    post("/usage/batch", tooMany, null).then().statusCode(400).body("field", equalTo("events"));
    post("/usage/batch", "{\"events\":[{\"entitlement_slug\":\"sum-soft\",\"value\":\"x\"}]}", null)
        .then()
        .statusCode(400)
        .body("field", equalTo("events[0].value"));
    post("/usage", "{\"entitlement_slug\":\"sum-soft\",\"value\":0}", null)
        .then()
        .body("current_usage", equalTo(0));
  }

  @Test
  void aHotCounterSpreadOverShardsCountsEveryReport() throws Exception {
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "events",
                "Events",
                EntitlementType.NUMERIC,
                new Metering(
                    Aggregation.SUM,
                    null,
                    null,
                    null,
                    Enforcement.SOFT,
                    null,
                    List.of(50),
                    null,
                    8),
                null,
                null));
    Tier metered = page.admin().catalog().tier(page.adminToken(), "metered");
    page.admin()
        .catalog()
        .updateTier(
            page.adminToken(),
            metered,
            new TierDraft(
                metered.slug(),
                metered.name(),
                metered.rank(),
                Map.of("events", JsonNodeFactory.instance.numberNode(LIMIT))));

    // One sender first: its answers are exact, each seeing its own reports.
    for (int i = 1; i <= 5; i++) {
      post("/usage", "{\"entitlement_slug\":\"events\",\"value\":10}", null)
          .then()
          .statusCode(200)
          .body("current_usage", equalTo(10 * i));
    }
    List<Callable<Integer>> reports = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      reports.add(
          () -> post("/usage", "{\"entitlement_slug\":\"events\",\"value\":1}", null).statusCode());
    }
    assertThat(runAll(16, reports)).containsOnly(200);

    assertThat(usage("events")).isEqualByComparingTo("450");
    var items =
        LocalAwsResource.localAws()
            .dynamo()
            .query(
                q ->
                    q.tableName(LocalAwsResource.localAws().resources().ref("UsageTable"))
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(
                            Map.of(
                                ":pk",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                    "COUNTER#"
                                        + page.adminToken().tenantId()
                                        + "#events#instance:"
                                        + instance))))
            .items();
    assertThat(items).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(8);
    assertThat(items.stream().mapToInt(item -> Integer.parseInt(item.get("total").n())).sum())
        .isEqualTo(450);
  }

  @Test
  void aReportCostsTwoReadsAndOneTransactionOfItsCounterAndItsAuditRecord() {
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":1}", null).then().statusCode(200);
    requests.clear();
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":1}", null)
        .then()
        .statusCode(200)
        .body("current_usage", equalTo(2));
    // The token, the instance with its license and the counter together, then the counter change
    // and the
    // report's audit record in one transaction; below its thresholds (80 and 100 of 100) the
    // counter read
    // again, for what other reports may have crossed meanwhile.
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("TransactWriteItems", null),
            new Call("GetItem", config.table().usage()));
  }

  @Test
  void aReportWithAKeyCostsTwoReadsAndOneTransactionOfItsMarkerCounterAndAuditRecord() {
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":1}", null).then().statusCode(200);
    requests.clear();
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":1}", "k-1")
        .then()
        .statusCode(200)
        .body("current_usage", equalTo(2));
    // The token, then the instance, its license and the counter together, then the transaction: the
    // key's
    // marker, the counter change and the audit record; then the counter, read again below its
    // thresholds.
    assertThat(requests.operations())
        .containsExactly("GetItem", "BatchGetItem", "TransactWriteItems", "GetItem");
  }

  @Test
  void everyReportIsInTheAuditTrailAcceptedRejectedReplayedOrBatched() throws Exception {
    Instant start = Instant.now();
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":60}", "a-1")
        .then()
        .statusCode(200);
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":50}", null)
        .then()
        .statusCode(200)
        .body("status", equalTo("REJECTED"));
    post("/usage", "{\"entitlement_slug\":\"sum-hard\",\"value\":60}", "a-1")
        .then()
        .statusCode(200)
        .header("Idempotent-Replayed", "true");
    post(
            "/usage/batch",
            "{\"events\":[{\"entitlement_slug\":\"count-soft\",\"value\":1},{\"entitlement_slug\":\"sum-hard\",\"value\":50}]}",
            null)
        .then()
        .statusCode(200);

    String tenant = page.adminToken().tenantId();
    List<AuditRecord> trail =
        audit
            .page(
                tenant,
                new AuditFilter(instance, null, "usage.reported", null, null),
                PageRequest.of(null, 50))
            .items();
    String tokenId = tokens.findByHash(Secrets.hash(token)).orElseThrow().id();
    // The batch is two records: its counted report's, stored with its counter change, and its
    // refused
    // report's, written before the answer, both under the batch's request id.
    assertThat(trail).hasSize(5);
    assertThat(trail).extracting(AuditRecord::actor).containsOnly(tokenId);
    assertThat(trail).extracting(AuditRecord::instanceId).containsOnly(instance);
    assertThat(trail).extracting(AuditRecord::intact).containsOnly(true);
    ObjectMapper json = new ObjectMapper();
    AuditRecord refusedInBatch = trail.get(0);
    AuditRecord countedInBatch = trail.get(1);
    assertThat(refusedInBatch.requestId()).isNotBlank().isEqualTo(countedInBatch.requestId());
    assertThat(countedInBatch.entitlements()).containsExactly("count-soft");
    assertThat(json.readTree(countedInBatch.request()))
        .isEqualTo(
            json.readTree(
                "{\"events\":[{\"entitlement_slug\":\"count-soft\",\"value\":1,\"timestamp\":null,\"idempotency_key\":null}]}"));
    assertThat(json.readTree(countedInBatch.result()))
        .isEqualTo(
            json.readTree(
                "{\"results\":[{\"status\":\"ACCEPTED\","
                    + "\"current_usage\":1,\"limit\":1000000,\"reason\":null,\"replayed\":false,\"index\":0}]}"));
    assertThat(refusedInBatch.entitlements()).containsExactly("sum-hard");
    assertThat(json.readTree(refusedInBatch.result()))
        .isEqualTo(
            json.readTree(
                "{\"results\":[{\"status\":\"REJECTED\","
                    + "\"current_usage\":60,\"limit\":100,\"reason\":\"LIMIT_REACHED\",\"replayed\":false,\"index\":1}]}"));
    assertThat(json.readTree(trail.get(2).result()).get("replayed").asBoolean()).isTrue();
    assertThat(json.readTree(trail.get(2).result()).get("current_usage").intValue()).isEqualTo(60);
    assertThat(json.readTree(trail.get(3).result()).get("status").asText()).isEqualTo("REJECTED");
    assertThat(json.readTree(trail.get(3).result()).get("reason").asText())
        .isEqualTo("LIMIT_REACHED");
    assertThat(json.readTree(trail.get(3).request()).get("value").intValue()).isEqualTo(50);
    JsonNode accepted = json.readTree(trail.get(4).request());
    assertThat(accepted.get("entitlement_slug").asText()).isEqualTo("sum-hard");
    assertThat(accepted.get("idempotency_key").asText()).isEqualTo("a-1");
    assertThat(json.readTree(trail.get(4).result()))
        .isEqualTo(
            json.readTree(
                "{\"status\":\"ACCEPTED\",\"current_usage\":60,\"limit\":100,\"reason\":null,\"replayed\":false}"));
    assertThat(trail.get(4).entitlements()).containsExactly("sum-hard");
    assertThat(trail.get(4).requestId()).isNotBlank();

    // the reports export reads these very records back as one row per report, newest record first
    // (the
    // batch's refused report was recorded after its counted one)
    List<ReportedUsage> exported =
        new Auditing(audit, Clock.systemUTC(), Duration.ofDays(400))
            .reports(
                page.adminToken(), start, Instant.now().plusSeconds(1), PageRequest.of(null, 50))
            .items();
    assertThat(exported)
        .extracting(ReportedUsage::entitlement)
        .containsExactly("sum-hard", "count-soft", "sum-hard", "sum-hard", "sum-hard");
    assertThat(exported)
        .extracting(ReportedUsage::status)
        .containsExactly("REJECTED", "ACCEPTED", "ACCEPTED", "REJECTED", "ACCEPTED");
    assertThat(exported)
        .extracting(ReportedUsage::replayed)
        .containsExactly(false, false, true, false, false);
    assertThat(exported).extracting(r -> r.value().intValue()).containsExactly(50, 1, 60, 50, 60);
    assertThat(exported)
        .extracting(ReportedUsage::idempotencyKey)
        .containsExactly(null, null, "a-1", null, "a-1");
    assertThat(exported).extracting(ReportedUsage::instanceId).containsOnly(instance);
    assertThat(exported).extracting(ReportedUsage::actor).containsOnly(tokenId);
  }
}
