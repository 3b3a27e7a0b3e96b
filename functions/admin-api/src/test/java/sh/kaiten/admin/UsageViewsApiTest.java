package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The usage views for billing and sales: period totals of an instance and of a license pool, and
 * the tenant's export. Counters are seeded in 2025 through the counters port with past instants, so
 * every period asserted is closed and its total exact.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class UsageViewsApiTest {
  /** usage-api's late window (the template's KAITEN_USAGE_LATE_WINDOW). */
  private static final Duration LATE_WINDOW = Duration.ofHours(24);

  private static final String JAN = "2025-01-01T00:00:00Z";
  private static final String FEB = "2025-02-01T00:00:00Z";
  private static final String MAR = "2025-03-01T00:00:00Z";

  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;
  @Inject DynamoDbClient dynamo;
  @Inject KaitenConfig config;

  private ProductPage page;
  private String tenant;
  private String pool;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
    tenant = page.adminToken().tenantId();
    pool = CounterKey.licenseHolder(page.licenseId());
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(), numeric("concurrency", Aggregation.MAX, MeterScope.INSTANCE));
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(), numeric("seats", Aggregation.SUM, MeterScope.LICENSE));
    String prod = CounterKey.instanceHolder(ProductPage.INSTANCE);
    add("api-calls", prod, Aggregation.SUM, "100", "2025-01-03T10:00:00Z");
    add("api-calls", prod, Aggregation.SUM, "23", "2025-01-31T23:59:59.999Z");
    add("api-calls", prod, Aggregation.SUM, "7", "2025-02-01T00:00:00Z");
    add(
        "api-calls",
        CounterKey.instanceHolder(ProductPage.STAGING),
        Aggregation.SUM,
        "999",
        "2025-01-10T00:00:00Z");
    add("concurrency", prod, Aggregation.MAX, "5", "2025-01-02T00:00:00Z");
    add("concurrency", prod, Aggregation.MAX, "12", "2025-01-05T00:00:00Z");
    add("concurrency", prod, Aggregation.MAX, "3", "2025-01-09T00:00:00Z");
    add("seats", pool, Aggregation.SUM, "3", "2025-01-04T00:00:00Z");
    add("seats", pool, Aggregation.SUM, "4", "2025-01-20T00:00:00Z");
  }

  private static Entitlement numeric(String slug, Aggregation aggregation, MeterScope scope) {
    return new Entitlement(
        slug,
        slug,
        EntitlementType.NUMERIC,
        new Metering(
            aggregation,
            Reset.MONTH,
            ResetAnchor.CALENDAR,
            scope,
            Enforcement.SOFT,
            null,
            null,
            null),
        null,
        null);
  }

  /**
   * One report folded into its counter at a past instant, as usage-api would have counted it then.
   */
  private void add(String slug, String holder, Aggregation aggregation, String value, String at) {
    Instant when = Instant.parse(at);
    Period period = Periods.containing(Reset.MONTH, ResetAnchor.CALENDAR, null, when);
    counters.add(
        new CounterKey(tenant, slug, holder, period.key()),
        Metering.of(aggregation),
        PeriodClose.of(period, LATE_WINDOW, null),
        new BigDecimal(value),
        when,
        null);
  }

  private ValidatableResponse get(String token, String path, Object... params) {
    return given().header("Authorization", "Bearer " + token).when().get(path, params).then();
  }

  private ValidatableResponse admin(String path, Object... params) {
    return get(page.adminSecret(), path, params);
  }

  @Test
  void instanceHistoryListsEachPeriodTotalExactly() {
    admin("/api/instances/{id}/usage/history", ProductPage.INSTANCE)
        .statusCode(200)
        .contentType("application/json")
        .body("items.entitlement", contains("api-calls", "api-calls", "concurrency"))
        .body(
            "items.holder",
            contains("instance:acme-prod", "instance:acme-prod", "instance:acme-prod"))
        .body("items.period_start", contains(JAN, FEB, JAN))
        .body("items.period_end", contains(FEB, MAR, FEB))
        .body("items.aggregation", contains("SUM", "SUM", "MAX"))
        .body("items.usage", contains(123, 7, 12))
        .body("items.reports", contains(2, 1, null))
        .body("items.closed", contains(true, true, true))
        .body("next_cursor", nullValue());
  }

  @Test
  void aPeriodStillOpenIsListedAsNotClosed() {
    Instant now = Instant.now();
    Period current = Periods.containing(Reset.MONTH, ResetAnchor.CALENDAR, null, now);
    counters.add(
        new CounterKey(
            tenant, "concurrency", CounterKey.instanceHolder(ProductPage.INSTANCE), current.key()),
        Metering.of(Aggregation.MAX),
        PeriodClose.of(current, LATE_WINDOW, null),
        new BigDecimal("41.5"),
        now,
        null);
    admin("/api/instances/{id}/usage/history?entitlement=concurrency", ProductPage.INSTANCE)
        .statusCode(200)
        .body("items.period_start", contains(JAN, current.start().toString()))
        .body("items.period_end", contains(FEB, current.end().toString()))
        .body("items.usage", contains(12, 41.5f))
        .body("items.closed", contains(true, false));
  }

  @Test
  void historyPagesFollowTheCursor() {
    String cursor =
        admin("/api/instances/{id}/usage/history?limit=2", ProductPage.INSTANCE)
            .statusCode(200)
            .body("items.entitlement", contains("api-calls", "api-calls"))
            .body("items.period_start", contains(JAN, FEB))
            .extract()
            .path("next_cursor");
    assertThat(cursor).isNotNull();
    admin("/api/instances/{id}/usage/history?limit=2&cursor={cursor}", ProductPage.INSTANCE, cursor)
        .statusCode(200)
        .body("items.entitlement", contains("concurrency"))
        .body("items.period_start", contains(JAN))
        .body("items.usage", contains(12))
        .body("next_cursor", nullValue());
    // The first page ended with api-calls' last period; the cursor goes on to the next entitlement
    // at any page size.
    String second =
        admin(
                "/api/instances/{id}/usage/history?limit=1&cursor={cursor}",
                ProductPage.INSTANCE,
                cursor)
            .statusCode(200)
            .body("items.entitlement", contains("concurrency"))
            .extract()
            .path("next_cursor");
    assertThat(second).isNull();
  }

  @Test
  void fromAndToFilterOnThePeriodStart() {
    admin("/api/instances/{id}/usage/history?from={from}&to={to}", ProductPage.INSTANCE, FEB, MAR)
        .statusCode(200)
        .body("items.entitlement", contains("api-calls"))
        .body("items.period_start", contains(FEB))
        .body("items.usage", contains(7));
    admin("/api/instances/{id}/usage/history?to={to}", ProductPage.INSTANCE, FEB)
        .statusCode(200)
        .body("items.entitlement", contains("api-calls", "concurrency"))
        .body("items.period_start", contains(JAN, JAN));
    // A bound inside a period's first second: the start instant is compared, not its text.
    admin(
            "/api/instances/{id}/usage/history?from={from}",
            ProductPage.INSTANCE,
            "2025-01-01T00:00:00.001Z")
        .statusCode(200)
        .body("items.period_start", contains(FEB));
    admin(
            "/api/instances/{id}/usage/history?entitlement=api-calls&from={from}",
            ProductPage.INSTANCE,
            "2024-12-31T23:59:59.5Z")
        .statusCode(200)
        .body("items.period_start", contains(JAN, FEB));
  }

  @Test
  void theLicenseHistoryListsItsPool() {
    admin("/api/licenses/{id}/usage/history", page.licenseId())
        .statusCode(200)
        .body("items.entitlement", contains("seats"))
        .body("items.holder", contains(pool))
        .body("items.period_start", contains(JAN))
        .body("items.period_end", contains(FEB))
        .body("items.usage", contains(7))
        .body("items.reports", contains(2))
        .body("items.closed", contains(true))
        .body("next_cursor", nullValue());
  }

  @Test
  void shardsOfAPeriodAreMergedIntoOneTotal() {
    String partition = "COUNTER#" + tenant + "#api-calls#instance:acme-prod";
    dynamo.putItem(
        r ->
            r.tableName(config.table().usage())
                .item(
                    Map.of(
                        "pk",
                        AttributeValue.fromS(partition),
                        "sk",
                        AttributeValue.fromS("PERIOD#" + JAN + "#S1"),
                        "total",
                        AttributeValue.fromN("10"),
                        "reports",
                        AttributeValue.fromN("3"))));
    dynamo.putItem(
        r ->
            r.tableName(config.table().usage())
                .item(
                    Map.of(
                        "pk",
                        AttributeValue.fromS(partition),
                        "sk",
                        AttributeValue.fromS("PERIOD#" + JAN + "#S2"),
                        "total",
                        AttributeValue.fromN("0.5"),
                        "reports",
                        AttributeValue.fromN("1"))));
    // A crossing marker shares the partition; it is not a period.
    dynamo.putItem(
        r ->
            r.tableName(config.table().usage())
                .item(
                    Map.of(
                        "pk",
                        AttributeValue.fromS(partition),
                        "sk",
                        AttributeValue.fromS("CROSSING#" + JAN + "#80"))));
    String cursor =
        admin(
                "/api/instances/{id}/usage/history?entitlement=api-calls&limit=1",
                ProductPage.INSTANCE)
            .statusCode(200)
            .body("items.period_start", contains(JAN))
            .body("items.usage", contains(133.5f))
            .body("items.reports", contains(6))
            .body("next_cursor", notNullValue())
            .extract()
            .path("next_cursor");
    // The next page starts after January's last shard.
    admin(
            "/api/instances/{id}/usage/history?entitlement=api-calls&limit=1&cursor={cursor}",
            ProductPage.INSTANCE,
            cursor)
        .statusCode(200)
        .body("items.period_start", contains(FEB))
        .body("items.usage", contains(7))
        .body("next_cursor", nullValue());
  }

  @Test
  void aLifetimeCounterIsListedWithoutARangeOnly() {
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "storage",
                "storage",
                EntitlementType.NUMERIC,
                new Metering(
                    Aggregation.LATEST,
                    Reset.NONE,
                    null,
                    MeterScope.LICENSE,
                    Enforcement.SOFT,
                    null,
                    null,
                    "GB"),
                null,
                null));
    counters.add(
        new CounterKey(tenant, "storage", pool, Period.LIFETIME.key()),
        Metering.of(Aggregation.LATEST),
        PeriodClose.of(Period.LIFETIME, LATE_WINDOW, null),
        new BigDecimal("2.50"),
        Instant.parse("2025-01-07T00:00:00Z"),
        null);
    admin("/api/licenses/{id}/usage/history", page.licenseId())
        .statusCode(200)
        .body("items.entitlement", contains("seats", "storage"))
        .body("items[1].period_start", nullValue())
        .body("items[1].period_end", nullValue())
        .body("items[1].aggregation", equalTo("LATEST"))
        .body("items[1].usage", equalTo(2.50f))
        .body("items[1].reports", nullValue())
        .body("items[1].closed", equalTo(false));
    admin("/api/licenses/{id}/usage/history?from={from}", page.licenseId(), JAN)
        .statusCode(200)
        .body("items.entitlement", contains("seats"));
  }

  @Test
  void badQueriesAreRefusedNamingTheField() {
    String history = "/api/instances/" + ProductPage.INSTANCE + "/usage/history";
    Map<String, String> refused =
        Map.of(
            history + "?from=yesterday", "from",
            history + "?to=2025-13-01T00:00:00Z", "to",
            history + "?from=" + FEB + "&to=" + JAN, "to",
            history + "?limit=0", "limit",
            history + "?limit=201", "limit",
            history + "?cursor=bm9wZQ", "cursor",
            history + "?entitlement=sso", "entitlement",
            history + "?entitlement=seats", "entitlement",
            "/api/licenses/" + page.licenseId() + "/usage/history?entitlement=api-calls",
                "entitlement");
    refused.forEach(
        (path, field) ->
            admin(path)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));
    admin(history + "?entitlement=nope").statusCode(404).contentType("application/problem+json");
    admin("/api/instances/nope/usage/history")
        .statusCode(404)
        .contentType("application/problem+json");
    admin("/api/licenses/lic_nope/usage/history")
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void theExportAsNdjsonHasOneObjectPerPeriodTotal() {
    String body =
        admin("/api/usage/export?from={from}&to={to}&format=ndjson", JAN, MAR)
            .statusCode(200)
            .contentType("application/x-ndjson")
            .extract()
            .asString();
    assertThat(body)
        .isEqualTo(
            ""
                + line("api-calls", "instance:acme-prod", JAN, FEB, "SUM", "123", "2")
                + line("api-calls", "instance:acme-prod", FEB, MAR, "SUM", "7", "1")
                + line("api-calls", "instance:acme-staging", JAN, FEB, "SUM", "999", "1")
                + line("concurrency", "instance:acme-prod", JAN, FEB, "MAX", "12", "null")
                + line("seats", pool, JAN, FEB, "SUM", "7", "2"));
    // NDJSON is the default format; [from, to) holds February only.
    assertThat(
            admin("/api/usage/export?from={from}&to={to}", FEB, MAR)
                .statusCode(200)
                .contentType("application/x-ndjson")
                .extract()
                .asString())
        .isEqualTo(line("api-calls", "instance:acme-prod", FEB, MAR, "SUM", "7", "1"));
  }

  private static String line(
      String entitlement,
      String holder,
      String start,
      String end,
      String aggregation,
      String usage,
      String reports) {
    return "{\"entitlement\":\""
        + entitlement
        + "\",\"holder\":\""
        + holder
        + "\",\"period_start\":\""
        + start
        + "\",\"period_end\":\""
        + end
        + "\",\"aggregation\":\""
        + aggregation
        + "\",\"usage\":"
        + usage
        + ",\"reports\":"
        + reports
        + ",\"closed\":true}\n";
  }

  @Test
  void theExportAsCsvHasAHeaderAndOneRowPerPeriodTotal() {
    String body =
        admin("/api/usage/export?from={from}&to={to}&format=csv", JAN, MAR)
            .statusCode(200)
            .contentType("text/csv")
            .extract()
            .asString();
    assertThat(body)
        .isEqualTo(
            ""
                + "entitlement,holder,period_start,period_end,aggregation,usage,reports,closed\r\n"
                + "api-calls,instance:acme-prod,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z,SUM,123,2,true\r\n"
                + "api-calls,instance:acme-prod,2025-02-01T00:00:00Z,2025-03-01T00:00:00Z,SUM,7,1,true\r\n"
                + "api-calls,instance:acme-staging,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z,SUM,999,1,true\r\n"
                + "concurrency,instance:acme-prod,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z,MAX,12,,true\r\n"
                + "seats,"
                + pool
                + ",2025-01-01T00:00:00Z,2025-02-01T00:00:00Z,SUM,7,2,true\r\n");
  }

  @Test
  void badExportQueriesAreRefusedNamingTheField() {
    Map<String, String> refused =
        Map.of(
            "/api/usage/export?to=" + MAR, "from",
            "/api/usage/export?from=" + JAN, "to",
            "/api/usage/export?from=2025-01-01&to=" + MAR, "from",
            "/api/usage/export?from=" + JAN + "&to=" + JAN, "to",
            "/api/usage/export?from=" + JAN + "&to=2026-01-02T00:00:01Z", "to",
            "/api/usage/export?from=" + JAN + "&to=" + MAR + "&format=xml", "format");
    refused.forEach(
        (path, field) ->
            admin(path)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));
    // 366 days is the most one export covers.
    admin("/api/usage/export?from={from}&to={to}", JAN, "2026-01-02T00:00:00Z").statusCode(200);
  }

  @Test
  void anotherTenantFindsNothingAndAnInstanceTokenSeesNoAdminView() {
    String otherAdmin =
        page.admin()
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Other vendor")
            .secret();
    get(otherAdmin, "/api/instances/{id}/usage/history", ProductPage.INSTANCE).statusCode(404);
    get(otherAdmin, "/api/licenses/{id}/usage/history", page.licenseId()).statusCode(404);
    assertThat(
            get(otherAdmin, "/api/usage/export?from={from}&to={to}", JAN, MAR)
                .statusCode(200)
                .extract()
                .asString())
        .isEmpty();
    for (String path :
        new String[] {
          "/api/instances/acme-prod/usage/history",
          "/api/licenses/" + page.licenseId() + "/usage/history",
          "/api/usage/export?from=" + JAN + "&to=" + MAR
        }) {
      get(page.instanceSecret(), path).statusCode(403).contentType("application/problem+json");
      given().when().get(path).then().statusCode(401).contentType("application/problem+json");
    }
  }
}
