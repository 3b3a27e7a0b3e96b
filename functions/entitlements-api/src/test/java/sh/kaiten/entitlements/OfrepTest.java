package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.openfeature.contrib.providers.ofrep.OfrepProvider;
import dev.openfeature.contrib.providers.ofrep.OfrepProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * The OFREP endpoints read by a client nobody here wrote: the OpenFeature Java SDK with its OFREP
 * provider, pointed at the running function.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class OfrepTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;

  private ProductPage page;
  private OpenFeatureAPI openFeature;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "seats", "Seats", EntitlementType.NUMERIC, Metering.defaults(), null, null));
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, null, null, null, null, Map.of("seats", IntNode.valueOf(25))));
    openFeature = OpenFeatureAPI.getInstance();
  }

  @AfterEach
  void shutdown() {
    openFeature.shutdown();
  }

  private Client client(String token) {
    OfrepProvider provider =
        OfrepProvider.constructProvider(
            OfrepProviderOptions.builder()
                .baseUrl("http://localhost:" + RestAssured.port)
                .headers(ImmutableMap.of("Authorization", ImmutableList.of("Bearer " + token)))
                .build());
    openFeature.setProviderAndWait(provider);
    return openFeature.getClient();
  }

  @Test
  void eachEntitlementTypeReadsAsItsNaturalFlagType() {
    Client client = client(page.instanceSecret());
    ImmutableContext acmeProd = new ImmutableContext(ProductPage.INSTANCE);

    FlagEvaluationDetails<Boolean> sso = client.getBooleanDetails("sso", false, acmeProd);
    assertThat(sso.getValue()).isTrue();
    assertThat(sso.getReason()).isEqualTo("STATIC");
    assertThat(sso.getVariant()).isEqualTo("tier");
    assertThat(sso.getErrorCode()).isNull();

    FlagEvaluationDetails<Integer> apiCalls = client.getIntegerDetails("api-calls", 0, acmeProd);
    assertThat(apiCalls.getValue()).isEqualTo(100000);
    assertThat(apiCalls.getFlagMetadata().getString("type")).isEqualTo("NUMERIC");
    assertThat(apiCalls.getFlagMetadata().getBoolean("unlimited")).isFalse();

    FlagEvaluationDetails<Integer> seats = client.getIntegerDetails("seats", 0, acmeProd);
    assertThat(seats.getValue()).isEqualTo(25);
    assertThat(seats.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(seats.getVariant()).isEqualTo("override");
  }

  @Test
  void configEntitlementsReadAsObjects() {
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
    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(
                null,
                null,
                null,
                null,
                null,
                Map.of("theme", JsonNodeFactory.instance.objectNode().put("color", "indigo"))));

    Value theme =
        client(page.instanceSecret())
            .getObjectValue("theme", new Value(), new ImmutableContext(ProductPage.INSTANCE));

    assertThat(theme.asStructure().getValue("color").asString()).isEqualTo("indigo");
  }

  @Test
  void aLicenseThatStopsGrantingDisablesTheFlagsOnTheNextEvaluation() {
    Client client = client(page.instanceSecret());
    ImmutableContext acmeProd = new ImmutableContext(ProductPage.INSTANCE);
    assertThat(client.getBooleanValue("sso", false, acmeProd)).isTrue();

    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));

    FlagEvaluationDetails<Boolean> sso = client.getBooleanDetails("sso", true, acmeProd);
    assertThat(sso.getValue()).isFalse();
    assertThat(sso.getReason()).isEqualTo("DISABLED");
    assertThat(sso.getFlagMetadata().getString("kaiten_reason")).isEqualTo("LICENSE_SUSPENDED");
    assertThat(client.getIntegerValue("api-calls", 7, acmeProd)).isZero();
  }

  @Test
  void unknownFlagsAndInstancesComeBackAsOpenFeatureErrors() {
    Client client = client(page.instanceSecret());

    FlagEvaluationDetails<Boolean> unknown =
        client.getBooleanDetails("nope", true, new ImmutableContext(ProductPage.INSTANCE));
    assertThat(unknown.getValue()).isTrue();
    assertThat(unknown.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);

    // The provider reads any 400 as INVALID_CONTEXT; the answer itself names the OFREP error code.
    FlagEvaluationDetails<Boolean> noKey =
        client.getBooleanDetails("sso", false, new ImmutableContext());
    assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body("{\"context\":{}}")
        .when()
        .post("/ofrep/v1/evaluate/flags/sso")
        .then()
        .statusCode(400)
        .body("errorCode", equalTo("TARGETING_KEY_MISSING"))
        .body("key", equalTo("sso"));

    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body("{\"context\":{\"targetingKey\":\"acme-prod\"")
        .when()
        .post("/ofrep/v1/evaluate/flags/sso")
        .then()
        .statusCode(400)
        .contentType("application/json")
        .body("errorCode", equalTo("PARSE_ERROR"))
        .body("key", equalTo("sso"));
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body("{\"context\":{\"targetingKey\":\"acme-prod\",\"targetingKey\":\"acme-staging\"}}")
        .when()
        .post("/ofrep/v1/evaluate/flags")
        .then()
        .statusCode(400)
        .body("errorCode", equalTo("PARSE_ERROR"));

    FlagEvaluationDetails<Boolean> noInstance =
        client.getBooleanDetails("sso", false, new ImmutableContext("ghost"));
    assertThat(noInstance.getErrorCode()).isNotNull();
    assertThat(noInstance.getValue()).isFalse();
  }

  @Test
  void anotherInstancesTokenGetsNothing() {
    Client client = client(page.stagingSecret());

    FlagEvaluationDetails<Boolean> sso =
        client.getBooleanDetails("sso", false, new ImmutableContext(ProductPage.INSTANCE));

    assertThat(sso.getValue()).isFalse();
    assertThat(sso.getErrorCode()).isNotNull();
  }

  @Test
  void bulkEvaluationCarriesAnETagAndAnswers304WhenNothingChanged() {
    String body = "{\"context\":{\"targetingKey\":\"" + ProductPage.INSTANCE + "\"}}";
    String etag =
        given()
            .header("Authorization", "Bearer " + page.instanceSecret())
            .contentType("application/json")
            .body(body)
            .when()
            .post("/ofrep/v1/evaluate/flags")
            .then()
            .statusCode(200)
            .body("flags.find { it.key == 'sso' }.value", equalTo(true))
            .body("flags.find { it.key == 'api-calls' }.value", equalTo(100000))
            .body("flags.find { it.key == 'seats' }.reason", equalTo("TARGETING_MATCH"))
            .extract()
            .header("ETag");
    assertThat(etag).isNotBlank();

    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .header("If-None-Match", etag)
        .contentType("application/json")
        .body(body)
        .when()
        .post("/ofrep/v1/evaluate/flags")
        .then()
        .statusCode(304);

    page.admin()
        .licenses()
        .updateLicense(
            page.adminToken(),
            page.licenseId(),
            new LicensePatch(null, null, null, null, null, Map.of("seats", IntNode.valueOf(30))));
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .header("If-None-Match", etag)
        .contentType("application/json")
        .body(body)
        .when()
        .post("/ofrep/v1/evaluate/flags")
        .then()
        .statusCode(200)
        .body("flags.find { it.key == 'seats' }.value", equalTo(30));
  }
}
