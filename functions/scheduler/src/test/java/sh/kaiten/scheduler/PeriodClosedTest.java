package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
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
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code usage.period_closed} end to end on DynamoDB Local and ElasticMQ: usage reported through
 * the counters as usage-api counts it, the schedule's handler ticked under a controlled clock. The
 * days are in 2031, so only this test's periods are due.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class PeriodClosedTest {
  private static final String TICK = "scheduler/scheduled-event.json";
  private static final Duration LATE_WINDOW = Duration.ofHours(24);
  private static final Instant MARCH_10_MORNING = Instant.parse("2031-03-10T09:00:00Z");

  /** March 10's end plus the late window. */
  private static final Instant MARCH_10_FINAL = Instant.parse("2031-03-12T00:00:00Z");

  private static final String MARCH_10 =
      "\"period_start\":\"2031-03-10T00:00:00Z\",\"period_end\":\"2031-03-11T00:00:00Z\"";

  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject InstanceReads reads;
  @Inject UsageCounters counters;
  @Inject DynamoDbClient dynamo;
  @Inject KaitenConfig config;
  @Inject TestClock clock;

  @AfterEach
  void systemTime() {
    clock.reset();
  }

  @Test
  void eachClosedPeriodIsAnnouncedOnceWithItsTotalsAfterTheLateWindow() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    String license = dailyLicense(page.admin(), page.adminToken());
    report(page.adminToken(), MARCH_10_MORNING, "daily-a", "calls", "5", null);
    report(page.adminToken(), MARCH_10_MORNING, "daily-a", "calls", "7", null);
    report(
        page.adminToken(), MARCH_10_MORNING.plusSeconds(60), "daily-a", "calls", "8", "invoice-8");
    report(page.adminToken(), MARCH_10_MORNING, "daily-a", "seats", "3", null);
    report(page.adminToken(), MARCH_10_MORNING, "daily-b", "seats", "5", null);
    for (int i = 0; i < 40; i++) {
      report(page.adminToken(), MARCH_10_MORNING, "daily-a", "events", "1", null);
    }
    report(page.adminToken(), MARCH_10_MORNING, "daily-a", "storage", "12", null);
    report(page.adminToken(), Instant.parse("2031-03-11T09:00:00Z"), "daily-a", "calls", "4", null);
    assertThat(periodItems(tenant, "events", "instance:daily-a", "2031-03-10T00:00:00Z"))
        .isGreaterThan(1);

    clock.set(MARCH_10_FINAL.minusSeconds(1));
    tick();
    assertThat(EventsQueue.take(tenant)).isEmpty();

    clock.set(MARCH_10_FINAL);
    tick();
    List<JsonNode> closed = EventsQueue.take(tenant);
    tick();
    clock.set(MARCH_10_FINAL.plus(Duration.ofMinutes(5)));
    tick();

    assertThat(closed)
        .extracting(event -> event.get("type").asText())
        .containsOnly("usage.period_closed");
    assertThat(closed)
        .extracting(event -> event.get("created_at").asText())
        .containsOnly("2031-03-12T00:00:00Z");
    assertThat(closed)
        .extracting(event -> event.get("data").toString())
        .containsExactlyInAnyOrder(
            "{\"instance_id\":\"daily-a\",\"entitlement\":\"calls\",\"aggregation\":\"SUM\","
                + MARCH_10
                + ",\"usage\":20,\"reports\":3,\"limit\":1000}",
            "{\"license_id\":\""
                + license
                + "\",\"entitlement\":\"seats\",\"aggregation\":\"MAX\","
                + MARCH_10
                + ",\"usage\":5,\"reports\":null,\"limit\":50}",
            "{\"instance_id\":\"daily-a\",\"entitlement\":\"events\",\"aggregation\":\"COUNT\","
                + MARCH_10
                + ",\"usage\":40,\"reports\":40,\"limit\":null}");
    assertThat(EventsQueue.take(tenant)).isEmpty();

    clock.set(Instant.parse("2031-03-13T00:00:00Z"));
    tick();
    assertThat(EventsQueue.take(tenant))
        .extracting(event -> event.get("data").toString())
        .containsExactly(
            "{\"instance_id\":\"daily-a\",\"entitlement\":\"calls\",\"aggregation\":\"SUM\","
                + "\"period_start\":\"2031-03-11T00:00:00Z\",\"period_end\":\"2031-03-12T00:00:00Z\","
                + "\"usage\":4,\"reports\":1,\"limit\":1000}");
  }

  /**
   * A tier metered by the day: {@code calls} per instance (SUM, HARD 1000), {@code seats} pooled
   * over the license (MAX, SOFT 50), {@code events} spread over 4 shards (COUNT, unlimited), and
   * lifetime {@code storage}; a license on it with instances {@code daily-a} and {@code daily-b}.
   */
  private static String dailyLicense(Administration admin, ApiToken token) {
    metered(
        admin,
        token,
        "calls",
        new Metering(Aggregation.SUM, Reset.DAY, null, null, Enforcement.HARD, null, null, null));
    metered(
        admin,
        token,
        "seats",
        new Metering(
            Aggregation.MAX,
            Reset.DAY,
            null,
            MeterScope.LICENSE,
            Enforcement.SOFT,
            null,
            null,
            null));
    metered(
        admin,
        token,
        "events",
        new Metering(
            Aggregation.COUNT, Reset.DAY, null, null, Enforcement.SOFT, null, null, null, 4));
    metered(
        admin,
        token,
        "storage",
        new Metering(
            Aggregation.LATEST, Reset.NONE, null, null, Enforcement.SOFT, null, null, null));
    JsonNodeFactory json = JsonNodeFactory.instance;
    admin
        .catalog()
        .createTier(
            token,
            new TierDraft(
                "daily",
                "Daily",
                3,
                Map.of(
                    "calls",
                    json.numberNode(1000),
                    "seats",
                    json.numberNode(50),
                    "events",
                    json.nullNode(),
                    "storage",
                    json.numberNode(100))));
    String customer = admin.customers().createCustomer(token, "Daily Corp", Map.of()).id();
    String license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "daily", null, null, null, null, null))
            .id();
    admin.instances().createInstance(token, "daily-a", license, null, null);
    admin.instances().createInstance(token, "daily-b", license, null, null);
    return license;
  }

  private static void metered(
      Administration admin, ApiToken token, String slug, Metering metering) {
    admin
        .catalog()
        .createEntitlement(
            token, new Entitlement(slug, slug, EntitlementType.NUMERIC, metering, null, null));
  }

  /** One report counted as usage-api counts it, with usage-api's clock standing at {@code at}. */
  private void report(
      ApiToken token, Instant at, String instance, String slug, String value, String key) {
    new UsageReporting(
            catalog.definitions(),
            Lookups.instances(catalog, reads),
            counters,
            signal -> {},
            Clock.fixed(at, ZoneOffset.UTC),
            LATE_WINDOW)
        .report(token, instance, new UsageReport(slug, new BigDecimal(value), null, key));
  }

  /** How many items a counter's period is kept on: one per shard written. */
  private int periodItems(String tenant, String slug, String holder, String period) {
    return dynamo
        .query(
            r ->
                r.tableName(config.table().usage())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :period)")
                    .expressionAttributeValues(
                        Map.of(
                            ":pk",
                            AttributeValue.fromS("COUNTER#" + tenant + "#" + slug + "#" + holder),
                            ":period",
                            AttributeValue.fromS("PERIOD#" + period))))
        .count();
  }

  private static void tick() {
    JsonNode summary =
        given()
            .body(SampleEvents.read(TICK, Map.of()))
            .when()
            .post("/_lambda_")
            .then()
            .statusCode(200)
            .extract()
            .as(JsonNode.class);
    assertThat(summary.get("failures")).isEmpty();
  }
}
