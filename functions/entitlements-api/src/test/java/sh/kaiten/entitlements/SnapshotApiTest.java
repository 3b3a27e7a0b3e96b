package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * {@code GET /api/instances/{id}/snapshot}: what an SDK holds in memory, exactly; its ETag, and the
 * 304 that answers a client whose copy is still current.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class SnapshotApiTest {
  private static final String SNAPSHOT = "/api/instances/{id}/snapshot";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  private RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  private Response snapshot(String token, String instance) {
    return as(token).when().get(SNAPSHOT, instance);
  }

  private Response revalidate(String ifNoneMatch) {
    return as(page.instanceSecret())
        .header("If-None-Match", ifNoneMatch)
        .when()
        .get(SNAPSHOT, ProductPage.INSTANCE);
  }

  /** Reports through the very use case usage-api serves, against the same DynamoDB table. */
  private void reportUsage(String value) {
    new UsageReporting(
            catalog.definitions(),
            Lookups.instances(catalog, reads),
            counters,
            signal -> {},
            Clock.systemUTC(),
            Duration.ofHours(24))
        .report(
            page.adminToken(),
            ProductPage.INSTANCE,
            new UsageReport("api-calls", new BigDecimal(value), null));
  }

  private void override(Map<String, JsonNode> overrides) {
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, null, null, null, null, overrides));
  }

  private static JsonNode body(Response response) throws Exception {
    return JSON.readTree(response.asString());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void theProductPageSnapshotIsWhatAnSdkReads() throws Exception {
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "theme",
                "Theme",
                EntitlementType.CONFIG,
                null,
                JsonNodeFactory.instance.objectNode().put("type", "object"),
                null));
    Instant trialEnds = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(
                null,
                LicenseStatus.TRIAL,
                null,
                new LicensePatch.DateChange(trialEnds),
                null,
                Map.of("theme", JsonNodeFactory.instance.objectNode().put("color", "indigo"))));
    reportUsage("67000");
    reportUsage("433");
    Instant startsAt =
        catalog
            .licenses()
            .findLicense(page.adminToken().tenantId(), page.licenseId())
            .orElseThrow()
            .startsAt();
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Response response = snapshot(page.instanceSecret(), ProductPage.INSTANCE);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("application/json;charset=UTF-8");
    assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
    ObjectNode answer = (ObjectNode) body(response);
    Instant asOf = Instant.parse(answer.remove("as_of").asText());
    assertThat(asOf)
        .isBetween(before, Instant.now())
        .isEqualTo(asOf.truncatedTo(ChronoUnit.MILLIS));
    assertThat(answer)
        .isEqualTo(
            JSON.readTree(
                """
        {"instance": "acme-prod",
         "license": {"id": "%s", "status": "TRIAL", "starts_at": "%s", "trial_ends_at": "%s", "expires_at": null},
         "entitlements": [
           {"slug": "api-calls", "type": "NUMERIC", "enabled": true, "source": "TIER", "reason": "GRANTED",
            "value": 100000,
            "metering": {"aggregation": "SUM", "reset": "MONTH", "scope": "INSTANCE", "enforcement": "HARD",
                         "overage_percent": null, "unit": "calls"},
            "usage": {"current_usage": 67433, "limit": 100000, "status": "ACCEPTED",
                      "period_start": "%s", "period_end": "%s"}},
           {"slug": "sso", "type": "BOOLEAN", "enabled": true, "source": "TIER", "reason": "GRANTED", "value": true},
           {"slug": "theme", "type": "CONFIG", "enabled": true, "source": "OVERRIDE", "reason": "GRANTED",
            "value": {"color": "indigo"}}]}
        """
                    .formatted(
                        page.licenseId(),
                        startsAt,
                        trialEnds,
                        month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                        month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))));
    // The ETag is the SHA-256 of the answer as written, less as_of, quoted (a strong tag).
    assertThat(response.header("ETag"))
        .isEqualTo("\"" + sha256(JSON.writeValueAsBytes(answer)) + "\"");
  }

  @Test
  void anUnlimitedQuotaHasNoValueAndNoLimit() throws Exception {
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement("seats", "Seats", EntitlementType.NUMERIC, null, null, null));
    override(Map.of("seats", TextNode.valueOf("unlimited")));

    JsonNode seats =
        body(snapshot(page.instanceSecret(), ProductPage.INSTANCE)
                .then()
                .statusCode(200)
                .extract()
                .response())
            .get("entitlements")
            .get(1); // api-calls, seats, sso

    assertThat(seats.get("slug").asText()).isEqualTo("seats");
    assertThat(seats.get("enabled").asBoolean()).isTrue();
    assertThat(seats.get("source").asText()).isEqualTo("OVERRIDE");
    assertThat(seats.get("value").isNull()).isTrue();
    assertThat(seats.get("metering"))
        .isEqualTo(
            JSON.readTree(
                """
        {"aggregation": "SUM", "reset": "MONTH", "scope": "INSTANCE", "enforcement": "HARD", "overage_percent": null,
         "unit": null}"""));
    assertThat(seats.get("usage").get("limit").isNull()).isTrue();
    assertThat(seats.get("usage").get("current_usage").intValue()).isZero();
    assertThat(seats.get("usage").get("status").asText()).isEqualTo("ACCEPTED");
  }

  @Test
  void aSuspendedLicenseGrantsNothingAndSaysWhy() throws Exception {
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));

    JsonNode answer =
        body(
            snapshot(page.instanceSecret(), ProductPage.INSTANCE)
                .then()
                .statusCode(200)
                .extract()
                .response());

    assertThat(answer.get("license").get("status").asText()).isEqualTo("SUSPENDED");
    assertThat(answer.get("entitlements")).hasSize(2);
    for (JsonNode entitlement : answer.get("entitlements")) {
      assertThat(entitlement.get("enabled").asBoolean()).isFalse();
      assertThat(entitlement.get("reason").asText()).isEqualTo("LICENSE_SUSPENDED");
      assertThat(entitlement.get("source").asText()).isEqualTo("NONE");
      assertThat(entitlement.has("value")).isTrue();
      assertThat(entitlement.get("value").isNull()).isTrue();
    }
    JsonNode usage = answer.get("entitlements").get(0).get("usage");
    assertThat(usage.get("limit").isNull()).isTrue();
    assertThat(usage.get("status").asText()).isEqualTo("REJECTED");
    assertThat(answer.get("entitlements").get(1).has("usage")).isFalse();
    assertThat(answer.get("entitlements").get(1).has("metering")).isFalse();
  }

  @Test
  void anUnchangedSnapshotKeepsItsETagAndIsA304() {
    String etag =
        snapshot(page.instanceSecret(), ProductPage.INSTANCE)
            .then()
            .statusCode(200)
            .extract()
            .header("ETag");
    assertThat(etag).matches("\"[0-9a-f]{64}\"");
    assertThat(snapshot(page.instanceSecret(), ProductPage.INSTANCE).header("ETag"))
        .isEqualTo(etag);
    assertThat(snapshot(page.adminSecret(), ProductPage.INSTANCE).header("ETag"))
        .as("whoever asks")
        .isEqualTo(etag);

    String bare = etag.substring(1, etag.length() - 1);
    for (String ifNoneMatch :
        List.of(etag, bare, "W/" + etag, "\"0000\", " + etag, "\"0000\",W/" + etag, "*")) {
      Response notModified = revalidate(ifNoneMatch);
      assertThat(notModified.statusCode()).as(ifNoneMatch).isEqualTo(304);
      assertThat(notModified.header("ETag")).isEqualTo(etag);
      assertThat(notModified.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(notModified.asString()).isEmpty();
    }
    for (String ifNoneMatch : List.of("\"0000\"", bare.substring(1), "W/\"" + bare + "0\"")) {
      assertThat(revalidate(ifNoneMatch).statusCode()).as(ifNoneMatch).isEqualTo(200);
    }
  }

  @Test
  void aNewReportOrAChangedValueChangesTheETag() {
    String first = snapshot(page.instanceSecret(), ProductPage.INSTANCE).header("ETag");

    reportUsage("5");
    Response afterReport = revalidate(first);
    assertThat(afterReport.statusCode()).isEqualTo(200);
    assertThat(afterReport.jsonPath().getInt("entitlements[0].usage.current_usage")).isEqualTo(5);
    String second = afterReport.header("ETag");
    assertThat(second).isNotEqualTo(first);
    assertThat(revalidate(second).statusCode()).isEqualTo(304);

    // Tier definitions are cached by the function for up to 5 s: the new value shows within that.
    page.admin()
        .catalog()
        .updateTier(
            page.adminToken(),
            page.admin().catalog().tier(page.adminToken(), "pro"),
            new TierDraft(
                "pro",
                "Pro",
                2,
                Map.of(
                    "api-calls",
                    JsonNodeFactory.instance.numberNode(250000),
                    "sso",
                    JsonNodeFactory.instance.booleanNode(true))));
    Response afterTierChange =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> revalidate(second), response -> response.statusCode() == 200);
    assertThat(afterTierChange.jsonPath().getInt("entitlements[0].value")).isEqualTo(250000);
    assertThat(afterTierChange.jsonPath().getInt("entitlements[0].usage.limit")).isEqualTo(250000);
    assertThat(afterTierChange.header("ETag")).isNotEqualTo(first).isNotEqualTo(second);
  }

  @Test
  void theSnapshotFollowsTheReadRules() {
    String otherTenantAdmin =
        page.admin()
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Other vendor")
            .secret();

    given()
        .when()
        .get(SNAPSHOT, ProductPage.INSTANCE)
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    snapshot(page.stagingSecret(), ProductPage.INSTANCE)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    snapshot(page.instanceSecret(), "nobody")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    snapshot(page.adminSecret(), "nobody")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    snapshot(otherTenantAdmin, ProductPage.INSTANCE)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    snapshot(page.stagingSecret(), ProductPage.STAGING).then().statusCode(200);
    snapshot(page.adminSecret(), ProductPage.INSTANCE).then().statusCode(200);
  }
}
