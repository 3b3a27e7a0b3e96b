package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
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
 * The tallies of an SDK's in-process checks, sent with a usage batch: recorded as {@code
 * entitlement.checked} in the batch's one audit write, and refused whole, before anything is
 * written, when any rule is broken.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class CheckTalliesApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECKS_ID = "chk-7f3a9c-000042";

  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;
  @Inject AuditLog audit;
  @Inject DynamoRequests requests;
  @Inject KaitenConfig config;

  private ProductPage page;

  /** A whole minute a few minutes back: inside the late window. */
  private String minute;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
    minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.MINUTES).toString();
    // Warms the function's definitions cache for this tenant, so request counts are a warm
    // function's.
    batch("{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":0}]}").then().statusCode(200);
  }

  private Response batch(String body) {
    return given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE);
  }

  private static String tally(
      String entitlement, String minute, boolean allowed, String reason, long count) {
    return "{\"entitlement\":\""
        + entitlement
        + "\",\"minute\":\""
        + minute
        + "\",\"allowed\":"
        + allowed
        + ",\"reason\":\""
        + reason
        + "\",\"count\":"
        + count
        + "}";
  }

  private List<AuditRecord> trail(String type) {
    return audit
        .page(
            page.adminToken().tenantId(),
            new AuditFilter(ProductPage.INSTANCE, null, type, null, null),
            PageRequest.of(null, 200))
        .items();
  }

  private BigDecimal apiCallsUsage() {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), ProductPage.INSTANCE, "api-calls")
        .currentUsage();
  }

  @Test
  void talliesAreRecordedAsEntitlementCheckedBesideTheReports() throws Exception {
    String tallies =
        String.join(
            ",",
            tally("sso", minute, true, "GRANTED", 1234),
            tally("sso", minute, false, "LICENSE_SUSPENDED", 6),
            tally("never-defined", minute, false, "UNKNOWN_ENTITLEMENT", 2),
            tally("api-calls", minute, true, "OVERAGE", 10));
    requests.clear();

    Response answer =
        batch(
            "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1},"
                + "{\"entitlement_slug\":\"api-calls\",\"value\":2}],\"checks\":{\"id\":\""
                + CHECKS_ID
                + "\",\"tallies\":["
                + tallies
                + "]}}");

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.asString());
    assertThat(body.get("results")).hasSize(2);
    assertThat(body.at("/results/1/result/current_usage").intValue()).isEqualTo(3);
    assertThat(body.get("checks"))
        .isEqualTo(JSON.readTree("{\"id\":\"" + CHECKS_ID + "\",\"tallies\":4}"));
    // The token, the instance with its license, one transaction of the counter change for both
    // reports of
    // api-calls and their record, the counter read again (below its thresholds), then the tallies'
    // record
    // (they change nothing, so they are written apart).
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("TransactWriteItems", null),
            new Call("GetItem", config.table().usage()),
            new Call("PutItem", config.table().audit()));

    List<AuditRecord> checked = trail("entitlement.checked");
    assertThat(checked).hasSize(1);
    AuditRecord record = checked.get(0);
    assertThat(record.instanceId()).isEqualTo(ProductPage.INSTANCE);
    assertThat(record.entitlements()).containsExactly("api-calls", "never-defined", "sso");
    assertThat(record.actor())
        .isEqualTo(tokens.findByHash(Secrets.hash(page.instanceSecret())).orElseThrow().id());
    assertThat(record.intact()).isTrue();
    assertThat(JSON.readTree(record.request()))
        .isEqualTo(
            JSON.readTree("{\"checks_id\":\"" + CHECKS_ID + "\",\"tallies\":[" + tallies + "]}"));
    assertThat(JSON.readTree(record.result()))
        .isEqualTo(JSON.readTree("{\"checks\":1252,\"allowed\":1244,\"refused\":8}"));
    List<AuditRecord> reported = trail("usage.reported");
    assertThat(reported).hasSize(2); // this batch's and the warming one's
    assertThat(reported.get(0).requestId()).isNotBlank().isEqualTo(record.requestId());
    assertThat(apiCallsUsage()).isEqualByComparingTo("3");
  }

  @Test
  void aBatchOfTalliesOnlyCountsNothingAndRecordsOnlyTheTallies() throws Exception {
    String checks =
        "\"checks\":{\"id\":\""
            + CHECKS_ID
            + "\",\"tallies\":["
            + tally("sso", minute, false, "NO_SNAPSHOT", 3)
            + "]}";
    List<AuditRecord> before = trail(null);
    requests.clear();

    Response withoutEvents = batch("{" + checks + "}");
    assertThat(requests.calls())
        .containsExactly(
            new Call("GetItem", config.table().tokens()),
            new Call("BatchGetItem", null),
            new Call("PutItem", config.table().audit()));
    Response withNoEvents = batch("{\"events\":[]," + checks + "}");

    for (Response answer : List.of(withoutEvents, withNoEvents)) {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(answer.asString()))
          .isEqualTo(
              JSON.readTree(
                  "{\"results\":[],\"checks\":{\"id\":\"" + CHECKS_ID + "\",\"tallies\":1}}"));
    }
    List<AuditRecord> recorded = trail(null).subList(0, trail(null).size() - before.size());
    assertThat(recorded)
        .extracting(AuditRecord::type)
        .containsExactly("entitlement.checked", "entitlement.checked");
    assertThat(JSON.readTree(recorded.get(0).result()))
        .isEqualTo(JSON.readTree("{\"checks\":3,\"allowed\":0,\"refused\":3}"));
    assertThat(apiCallsUsage()).isEqualByComparingTo("0");
  }

  @Test
  void aBatchWithoutTalliesAnswersNoChecks() throws Exception {
    Response answer = batch("{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1}]}");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(answer.asString()).has("checks")).isFalse();
    assertThat(trail("entitlement.checked")).isEmpty();
  }

  @Test
  void aThousandTalliesAreTenRecordsOfOneWrite() throws Exception {
    List<String> tallies =
        IntStream.range(0, 1000)
            .mapToObj(
                i ->
                    tally(
                        "feature-" + (i / 100),
                        minute,
                        i % 4 != 0,
                        i % 4 != 0 ? "GRANTED" : "NOT_IN_TIER",
                        i + 1))
            .toList();
    requests.clear();

    Response answer =
        batch(
            "{\"checks\":{\"id\":\""
                + CHECKS_ID
                + "\",\"tallies\":["
                + String.join(",", tallies)
                + "]}}");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(answer.asString()).get("checks").get("tallies").intValue())
        .isEqualTo(1000);
    assertThat(requests.operations())
        .containsExactly("GetItem", "BatchGetItem", "TransactWriteItems");
    List<AuditRecord> records = new ArrayList<>(trail("entitlement.checked"));
    assertThat(records).hasSize(10);
    assertThat(records).extracting(AuditRecord::requestId).containsOnly(records.get(0).requestId());
    records.sort((a, b) -> a.entitlements().get(0).compareTo(b.entitlements().get(0)));
    long checks = 0;
    for (int i = 0; i < 10; i++) {
      long slice = i;
      AuditRecord record = records.get(i);
      assertThat(record.entitlements()).containsExactly("feature-" + slice);
      JsonNode request = JSON.readTree(record.request());
      assertThat(request.get("checks_id").asText()).isEqualTo(CHECKS_ID);
      assertThat(request.get("tallies")).hasSize(100);
      assertThat(request.at("/tallies/0/count").longValue()).isEqualTo(slice * 100 + 1);
      JsonNode result = JSON.readTree(record.result());
      // counts slice*100+1 .. slice*100+100; every fourth (the first, fifth, ...) refused
      long sum = 100 * (slice * 100) + 5050;
      long refused = IntStream.range(0, 25).mapToLong(k -> slice * 100 + 4 * k + 1).sum();
      assertThat(result)
          .isEqualTo(
              JSON.readTree(
                  "{\"checks\":"
                      + sum
                      + ",\"allowed\":"
                      + (sum - refused)
                      + ",\"refused\":"
                      + refused
                      + "}"));
      checks += result.get("checks").longValue();
    }
    assertThat(checks).isEqualTo(500500);
  }

  /** Four good tallies, the one at index 3 replaced by {@code third}. */
  private String withThird(String third) {
    List<String> tallies =
        new ArrayList<>(
            List.of(
                tally("sso", minute, true, "GRANTED", 1),
                tally("sso", minute, true, "GRANTED", 1),
                tally("sso", minute, true, "GRANTED", 1),
                third));
    return "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1}],"
        + "\"checks\":{\"id\":\""
        + CHECKS_ID
        + "\",\"tallies\":["
        + String.join(",", tallies)
        + "]}}";
  }

  @Test
  void everyBrokenRuleIsA400NamingItsFieldAndNothingIsWritten() {
    String now = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
    String event = "\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1}]";
    String good = tally("sso", minute, true, "GRANTED", 1);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{}", "events");
    cases.put("{\"events\":[]}", "events");
    cases.put("{" + event + ",\"checks\":\"chk-1\"}", "checks");
    cases.put("{" + event + ",\"checks\":{\"tallies\":[" + good + "]}}", "checks.id");
    cases.put(
        "{" + event + ",\"checks\":{\"id\":\"has space\",\"tallies\":[" + good + "]}}",
        "checks.id");
    cases.put(
        "{"
            + event
            + ",\"checks\":{\"id\":\""
            + "a".repeat(129)
            + "\",\"tallies\":["
            + good
            + "]}}",
        "checks.id");
    cases.put("{" + event + ",\"checks\":{\"id\":\"chk-1\"}}", "checks.tallies");
    cases.put("{" + event + ",\"checks\":{\"id\":\"chk-1\",\"tallies\":[]}}", "checks.tallies");
    cases.put(
        "{"
            + event
            + ",\"checks\":{\"id\":\"chk-1\",\"tallies\":["
            + IntStream.range(0, 1001).mapToObj(i -> good).collect(Collectors.joining(","))
            + "]}}",
        "checks.tallies");
    cases.put(
        "{" + event + ",\"checks\":{\"id\":\"chk-1\",\"tallies\":[" + good + "],\"extra\":1}}",
        "checks.extra");
    cases.put(withThird("null"), "checks.tallies[3]");
    cases.put(withThird(tally("SSO", minute, true, "GRANTED", 1)), "checks.tallies[3].entitlement");
    cases.put(
        withThird(
            "{\"minute\":\"" + minute + "\",\"allowed\":true,\"reason\":\"GRANTED\",\"count\":1}"),
        "checks.tallies[3].entitlement");
    cases.put(
        withThird(tally("sso", minute.replace(":00Z", ":30Z"), true, "GRANTED", 1)),
        "checks.tallies[3].minute");
    cases.put(
        withThird(
            tally(
                "sso",
                Instant.parse(now).plus(10, ChronoUnit.MINUTES).toString(),
                true,
                "GRANTED",
                1)),
        "checks.tallies[3].minute");
    cases.put(
        withThird(
            tally(
                "sso",
                Instant.parse(now).minus(25, ChronoUnit.HOURS).toString(),
                true,
                "GRANTED",
                1)),
        "checks.tallies[3].minute");
    cases.put(withThird(tally("sso", "yesterday", true, "GRANTED", 1)), "checks.tallies[3].minute");
    cases.put(
        withThird(
            "{\"entitlement\":\"sso\",\"minute\":\""
                + minute
                + "\",\"reason\":\"GRANTED\",\"count\":1}"),
        "checks.tallies[3].allowed");
    cases.put(
        withThird(
            tally("sso", minute, true, "GRANTED", 1)
                .replace("\"allowed\":true", "\"allowed\":\"yes\"")),
        "checks.tallies[3].allowed");
    cases.put(withThird(tally("sso", minute, true, "MAYBE", 1)), "checks.tallies[3].reason");
    cases.put(
        withThird(tally("sso", minute, true, "GRANTED", 1).replace("\"GRANTED\"", "0")),
        "checks.tallies[3].reason");
    cases.put(withThird(tally("sso", minute, true, "GRANTED", 0)), "checks.tallies[3].count");
    cases.put(
        withThird(tally("sso", minute, true, "GRANTED", 1_000_000_000_001L)),
        "checks.tallies[3].count");
    cases.put(
        withThird(tally("sso", minute, true, "GRANTED", 1).replace("\"count\":1", "\"count\":1.5")),
        "checks.tallies[3].count");
    cases.put(
        withThird(
            tally("sso", minute, true, "GRANTED", 1).replace("\"count\":1", "\"count\":\"1\"")),
        "checks.tallies[3].count");
    cases.put(
        withThird(tally("sso", minute, true, "GRANTED", 1).replace("}", ",\"unit\":\"calls\"}")),
        "checks.tallies[3].unit");

    List<AuditRecord> before = trail(null);
    requests.clear();
    cases.forEach(
        (body, field) ->
            batch(body)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://kaiten.sh/problems/invalid-input"))
                .body("field", equalTo(field)));

    assertThat(requests.operations())
        .as("no write of any kind")
        .doesNotContain("PutItem", "UpdateItem", "TransactWriteItems");
    assertThat(trail(null)).isEqualTo(before);
    assertThat(apiCallsUsage()).isEqualByComparingTo("0");
  }
}
