package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.BatchResult;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.DynamoRequests.Call;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * A batch writes the reports of one SUM, COUNT or AVERAGE counter together, against DynamoDB Local:
 * what it costs in requests to the Usage table, and that its counters stay exact, its keys count
 * once and its HARD limits hold, under concurrent batches too.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class BatchWritesApiTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject DynamoRequests requests;
  @Inject UsageCounters counters;
  @Inject KaitenConfig config;

  @Inject UsageReporting reporting;

  private ProductPage page;
  private ApiToken caller;
  private String token;
  private String instance;

  @BeforeEach
  void oneInstanceWithSoftAndHardCounters() {
    page = ProductPage.seed(catalog);
    Map<String, JsonNode> limits =
        Map.of(
            "calls", JsonNodeFactory.instance.numberNode(1_000_000),
            "seats", JsonNodeFactory.instance.numberNode(100),
            "jobs", JsonNodeFactory.instance.numberNode(100));
    entitlement("calls", Aggregation.SUM, Enforcement.SOFT);
    entitlement("seats", Aggregation.SUM, Enforcement.HARD);
    entitlement("jobs", Aggregation.COUNT, Enforcement.HARD);
    page.admin()
        .catalog()
        .createTier(page.adminToken(), new TierDraft("metered", "Metered", 9, limits));
    String customer =
        page.admin().customers().createCustomer(page.adminToken(), "Batch Co", null).id();
    String license =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new LicenseDraft(customer, "metered", null, null, null, null, null))
            .id();
    instance = "batch-" + System.nanoTime();
    token =
        page.admin()
            .instances()
            .createInstance(page.adminToken(), instance, license, null, null)
            .secret();
    caller = tokens.findByHash(Secrets.hash(token)).orElseThrow();
  }

  private void entitlement(String slug, Aggregation aggregation, Enforcement enforcement) {
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
  }

  /**
   * A batch of {@code size} reports over HTTP, the i-th as {@code event} writes it; answered 200.
   */
  private JsonPath post(int size, IntFunction<String> event) {
    String body =
        IntStream.range(0, size)
            .mapToObj(event)
            .collect(Collectors.joining(",", "{\"events\":[", "]}"));
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/instances/{id}/usage/batch", instance)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /**
   * A batch of {@code size} reports through the use case the endpoint calls, on the same DynamoDB
   * client: the tests' Lambda mock event server stalls on answers over 8 KB
   * (quarkusio/quarkus#38502), some 30 results, and serves one request at a time, so larger and
   * concurrent batches go this way.
   */
  private List<BatchResult> send(int size, IntFunction<UsageReport> report) {
    return reporting.reportAll(
        caller, instance, IntStream.range(0, size).mapToObj(report).toList(), null);
  }

  /**
   * The function's cache of definitions filled (a report of nothing), and the requests counted from
   * here.
   */
  private void warmUp() {
    send(1, i -> report("seats", 0, null));
    requests.clear();
  }

  private static UsageReport report(String slug, int value, String key) {
    return new UsageReport(slug, BigDecimal.valueOf(value), null, key);
  }

  private static List<Integer> usages(List<BatchResult> results) {
    return results.stream().map(r -> r.result().state().currentUsage().intValueExact()).toList();
  }

  private static List<String> statuses(List<BatchResult> results) {
    return results.stream().map(r -> r.result().state().status().name()).toList();
  }

  private static String event(String slug, int value, String key) {
    return "{\"entitlement_slug\":\""
        + slug
        + "\",\"value\":"
        + value
        + (key == null ? "" : ",\"idempotency_key\":\"" + key + "\"")
        + "}";
  }

  private BigDecimal usage(String slug) {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), instance, slug)
        .currentUsage();
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
  void aKeyedBatchOverHttpCostsTwoReadsAndOneTransactionHoldingItsAuditRecord() {
    post(1, i -> event("calls", 1, null)); // the function's cache of definitions warmed up
    requests.clear();
    JsonPath answer = post(20, i -> event("calls", 1, "http-" + i));

    assertThat(answer.getList("results.result.current_usage", Integer.class))
        .containsExactlyElementsOf(IntStream.rangeClosed(2, 21).boxed().toList());
    assertThat(answer.getList("results.replayed", Boolean.class)).containsOnly(false);
    // The token; the instance, its license and the counter together; the 20 markers, the counter
    // and the record;
    // the counter read again, since it is below its thresholds and the answers were computed before
    // the write.
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("TransactWriteItems", null),
            new Call("GetItem", config.table().usage()));
    assertThat(usage("calls")).isEqualByComparingTo("21");
  }

  @Test
  void aBatchWithoutKeysOverHttpCostsOneWriteOfTheCounterAndItsRecord() {
    requests.clear();
    JsonPath answer = post(20, i -> event("calls", i + 1, null));

    assertThat(answer.getList("results.result.current_usage", Integer.class).get(19))
        .isEqualTo(210);
    assertThat(requests.operations())
        .filteredOn(operation -> !operation.endsWith("GetItem") && !operation.equals("Query"))
        .containsExactly("TransactWriteItems");
  }

  @Test
  void aHundredKeyedReportsOfOneCounterCostTwoTransactions() {
    warmUp();
    List<BatchResult> results = send(100, i -> report("calls", 1, "order-" + i));

    assertThat(usages(results))
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
    assertThat(results).extracting(r -> r.result().replayed()).containsOnly(false);
    // The instance, its license and the counter in one read; 98 markers, the counter and the
    // record; the last
    // two; the counter read again once, after the batch.
    assertThat(requests.operations())
        .containsExactly("BatchGetItem", "TransactWriteItems", "TransactWriteItems", "GetItem");
    assertThat(usage("calls")).isEqualByComparingTo("100");
  }

  @Test
  void aHundredReportsWithoutKeysCostOneUpdateItem() {
    warmUp();
    List<BatchResult> results = send(100, i -> report("calls", i + 1, null));

    assertThat(usages(results).get(0)).isEqualTo(1);
    assertThat(usages(results).get(99)).isEqualTo(5050);
    assertThat(requests.operations()).containsExactly("BatchGetItem", "UpdateItem");
    assertThat(usage("calls")).isEqualByComparingTo("5050");
  }

  @Test
  void aThousandKeyedReportsCostElevenTransactions() {
    warmUp();
    List<BatchResult> results = send(1000, i -> report("calls", 1, "k-" + i));

    assertThat(usages(results))
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 1000).boxed().toList());
    assertThat(requests.operations())
        .containsExactlyElementsOf(
            Stream.of(
                    Stream.of("BatchGetItem"),
                    Collections.nCopies(11, "TransactWriteItems").stream(),
                    Stream.of("GetItem"))
                .flatMap(operations -> operations)
                .toList());
    assertThat(usage("calls")).isEqualByComparingTo("1000");
  }

  @Test
  void aBatchSentAgainIsReplayedWholeFromOneReadOfItsKeysPerGroup() {
    warmUp();
    List<BatchResult> first = send(100, i -> report("calls", 2, "again-" + i));
    requests.clear();
    List<BatchResult> again = send(100, i -> report("calls", 2, "again-" + i));

    // The instance and counter; 98 keys refused whole, then read together; the last 2 likewise. A
    // group
    // leaves room in its transaction for its audit record: 98 markers, the counter and the record.
    assertThat(requests.operations())
        .containsExactly(
            "BatchGetItem",
            "TransactWriteItems",
            "BatchGetItem",
            "TransactWriteItems",
            "BatchGetItem");
    assertThat(again).extracting(r -> r.result().replayed()).containsOnly(true).hasSize(100);
    assertThat(usages(again)).isEqualTo(usages(first));
    assertThat(usage("calls")).isEqualByComparingTo("200");
  }

  @Test
  void aHardLimitInsideABatchCountsTheReportsUpToItAndRefusesTheRest() {
    JsonPath seats = post(15, i -> event("seats", 10, i % 2 == 0 ? null : "seat-" + i));
    List<BatchResult> jobs = send(105, i -> report("jobs", 1, i % 3 == 0 ? "job-" + i : null));

    assertThat(seats.getList("results.result.status", String.class))
        .containsExactlyElementsOf(
            IntStream.range(0, 15).mapToObj(i -> i < 10 ? "ACCEPTED" : "REJECTED").toList());
    assertThat(seats.getList("results.result.current_usage", Integer.class))
        .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100, 100, 100, 100, 100);
    assertThat(seats.getList("results.result.reason", String.class).subList(10, 15))
        .containsOnly("LIMIT_REACHED");
    assertThat(usage("seats")).isEqualByComparingTo("100");
    assertThat(statuses(jobs))
        .containsExactlyElementsOf(
            IntStream.range(0, 105).mapToObj(i -> i < 100 ? "ACCEPTED" : "REJECTED").toList());
    assertThat(usage("jobs")).isEqualByComparingTo("100");
  }

  @Test
  void concurrentBatchesNeverPassAHardLimit() throws Exception {
    List<Callable<List<String>>> batches = new ArrayList<>();
    for (int b = 0; b < 16; b++) {
      int from = b * 20;
      batches.add(
          () ->
              statuses(
                  send(
                      20,
                      i ->
                          report(
                              i % 2 == 0 ? "seats" : "jobs",
                              1,
                              i % 4 < 2 ? null : "hard-" + (from + i)))));
    }
    List<String> outcomes = runAll(16, batches).stream().flatMap(List::stream).toList();

    // 160 reports of 1 to each of two counters with a limit of 100.
    assertThat(outcomes.stream().filter("ACCEPTED"::equals)).hasSize(200);
    assertThat(outcomes.stream().filter("REJECTED"::equals)).hasSize(120);
    assertThat(usage("seats")).isEqualByComparingTo("100");
    assertThat(usage("jobs")).isEqualByComparingTo("100");
  }

  @Test
  void sixteenThreadsSendingKeyedBatchesTwiceCountEveryKeyOnce() throws Exception {
    List<Callable<List<Boolean>>> batches = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int b = 0; b < 20; b++) {
        int from = b * 50;
        batches.add(
            () ->
                send(50, i -> report("calls", 1, "twice-" + (from + i))).stream()
                    .map(r -> r.result().replayed())
                    .toList());
      }
    }
    Collections.shuffle(batches, new Random(11));
    List<Boolean> replayed = runAll(16, batches).stream().flatMap(List::stream).toList();

    assertThat(replayed).hasSize(2000);
    assertThat(replayed.stream().filter(r -> r)).hasSize(1000);
    assertThat(usage("calls")).isEqualByComparingTo("1000");
  }
}
