package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/** Every bad request gets a 4xx problem+json naming the problem, and nothing is counted. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class UsageApiErrorsTest {
  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  @AfterEach
  void nothingWasCounted() {
    var usage =
        new EntitlementQueries(
                catalog.definitions(),
                Lookups.instances(catalog, reads),
                counters,
                Clock.systemUTC())
            .usage(page.adminToken(), ProductPage.INSTANCE, "api-calls");
    assertThat(usage.currentUsage()).isEqualByComparingTo("0");
  }

  private ValidatableResponse post(String token, String instance, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .when()
        .post("/api/instances/{id}/usage", instance)
        .then();
  }

  private ValidatableResponse problem(String body, int status, String type) {
    return post(page.instanceSecret(), ProductPage.INSTANCE, body)
        .statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status))
        .body("type", equalTo("https://kaiten.sh/problems/" + type));
  }

  @Test
  void malformedJsonIsRefused() {
    problem("{\"entitlement_slug\":\"api-calls\",", 400, "invalid-input")
        .body("detail", containsString("not valid JSON"));
  }

  @Test
  void wrongTypesAreRefusedNamingTheField() {
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":\"12\"}", 400, "invalid-input")
        .body("field", equalTo("value"));
    problem("{\"entitlement_slug\":42,\"value\":1}", 400, "invalid-input")
        .body("field", equalTo("entitlement_slug"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"yesterday\"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
    // An empty or blank timestamp is not "now": a date is given in full or left out.
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"\"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\" \"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
    // A number is not a date: Jackson alone would read it as seconds since 1970.
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":1e-40}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"))
        .body(
            "detail",
            equalTo(
                "field 'timestamp' must be an ISO-8601 timestamp such as 2026-12-04T10:15:30Z"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":1764806400}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"+999999999-12-31T23:59:59Z\"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
  }

  /** Issue 14, defect 7: what was wrong, said in the API's words, never Jackson's or Java's. */
  @Test
  void errorsSayWhatWasWrongInTheApisOwnWords() {
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":\"12\"}", 400, "invalid-input")
        .body("field", equalTo("value"))
        .body("detail", equalTo("field 'value' must be a number"));
    problem("{\"entitlement_slug\":42,\"value\":1}", 400, "invalid-input")
        .body("field", equalTo("entitlement_slug"))
        .body("detail", equalTo("field 'entitlement_slug' must be a string"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"yesterday\"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"))
        .body(
            "detail",
            equalTo(
                "field 'timestamp' must be an ISO-8601 timestamp such as 2026-12-04T10:15:30Z"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":{}}", 400, "invalid-input")
        .body("field", equalTo("value"))
        .body("detail", equalTo("field 'value' must be a number"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":1,\"valeu\":2}", 400, "invalid-input")
        .body("field", equalTo("valeu"))
        .body(
            "detail",
            equalTo(
                "unknown field 'valeu'; the fields here are entitlement_slug, idempotency_key, lease_id, reports, timestamp, value"));
    problem("[1]", 400, "invalid-input")
        .body("field", nullValue())
        .body("detail", equalTo("the body must be a JSON object"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":NaN}", 400, "invalid-input")
        .body(
            "detail",
            equalTo("the body is not valid JSON: non-standard token 'NaN' (line 1, column 44)"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":1} {}", 400, "invalid-input")
        .body("detail", equalTo("the body must hold one JSON value and nothing after it"));
    problem("{\"entitlement_slug\":\"api-calls\",\n\"value\":1 // one\n}", 400, "invalid-input")
        .body(
            "detail",
            equalTo(
                "the body is not valid JSON: unexpected character ('/' (code 47)): "
                    + "maybe a (non-standard) comment? (line 2, column 11)"));
  }

  @Test
  void missingFieldsAreRefused() {
    problem("{\"value\":1}", 400, "invalid-input").body("field", equalTo("entitlement_slug"));
    problem("{\"entitlement_slug\":\"api-calls\"}", 400, "invalid-input")
        .body("field", equalTo("value"));
    problem("", 400, "invalid-input");
  }

  @Test
  void negativeAndNonFiniteValuesAreRefused() {
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":-1}", 400, "invalid-input")
        .body("field", equalTo("value"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":NaN}", 400, "invalid-input");
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":Infinity}", 400, "invalid-input");
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":1e400}", 400, "invalid-input")
        .body("field", equalTo("value"));
  }

  @Test
  void unknownFieldsAndDuplicateKeysAreRefused() {
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":1,\"valeu\":2}", 400, "invalid-input")
        .body("field", equalTo("valeu"));
    problem("{\"entitlement_slug\":\"api-calls\",\"value\":1,\"value\":5}", 400, "invalid-input")
        .body("field", equalTo("value"));
  }

  @Test
  void oversizedBodiesAreRefused() {
    String padding = "x".repeat(1_100_000);
    problem("{\"entitlement_slug\":\"" + padding + "\",\"value\":1}", 413, "body-too-large")
        .body("detail", equalTo("the request body is larger than 1048576 bytes"));
  }

  /** Without a Content-Length the body is refused as it is read, before it is parsed. */
  @Test
  void oversizedChunkedBodiesAreRefused() {
    byte[] body =
        ("{\"entitlement_slug\":\"api-calls\",\"value\":1,\"note\":\""
                + "x".repeat(1_100_000)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body(new ByteArrayInputStream(body)) // streamed: chunked, no Content-Length
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/body-too-large"))
        .body("detail", equalTo("the request body is larger than 1048576 bytes"));
  }

  @Test
  void unknownInstanceOrEntitlementIsNamed() {
    post(page.adminSecret(), "nobody", "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("instance 'nobody' does not exist"));
    problem("{\"entitlement_slug\":\"api-callz\",\"value\":1}", 422, "unknown-reference")
        .body("field", equalTo("entitlement_slug"));
    problem("{\"entitlement_slug\":\"sso\",\"value\":1}", 400, "invalid-input")
        .body("detail", containsString("only NUMERIC entitlements take usage"));
  }

  @Test
  void timestampsOutsideTheWindowAreRefused() {
    String future = Clock.systemUTC().instant().plusSeconds(600).toString();
    String old = Clock.systemUTC().instant().minusSeconds(25 * 3600).toString();
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"" + future + "\"}",
            400,
            "invalid-input")
        .body("field", equalTo("timestamp"));
    problem(
            "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"timestamp\":\"" + old + "\"}",
            400,
            "invalid-input")
        .body("detail", containsString("late-report window of 24 hours"));
  }

  @Test
  void tokensAreCheckedBeforeAnythingElse() {
    given()
        .contentType("application/json")
        .body("{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer");
    post(
            "ksh_not-a-real-token",
            ProductPage.INSTANCE,
            "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .statusCode(401)
        .contentType("application/problem+json");
    post(
            page.stagingSecret(),
            ProductPage.INSTANCE,
            "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .statusCode(403)
        .contentType("application/problem+json");
    String otherTenantAdmin =
        page.admin()
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Other vendor")
            .secret();
    post(otherTenantAdmin, ProductPage.INSTANCE, "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("instance 'acme-prod' does not exist"));
  }
}
