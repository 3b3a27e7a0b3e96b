package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.testing.LocalAwsResource;

/**
 * The Stripe connector through admin-api: its key stored in (the local) Secrets Manager and never
 * answered nor recorded, its meters checked against the catalog, every bad field refused by name
 * with nothing written, and another tenant never seeing it.
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class StripeConnectorApiTest {
  private static final String PATH = "/api/connectors/stripe";

  @Inject ConnectorKeys keys;

  private String admin;
  private String tenant;
  private final String key = madeUpKey();

  private static String madeUpKey() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return "rk_test_" + HexFormat.of().formatHex(random);
  }

  @BeforeEach
  void tenant() {
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
    call("POST", admin, "/api/entitlements", numeric("api-calls", "SUM")).statusCode(201);
    call("POST", admin, "/api/entitlements", numeric("storage-gb", "SUM")).statusCode(201);
    call("POST", admin, "/api/entitlements", numeric("peak-gb", "MAX")).statusCode(201);
    call(
            "POST",
            admin,
            "/api/entitlements",
            "{\"slug\":\"sso\",\"name\":\"SSO\",\"type\":\"BOOLEAN\"}")
        .statusCode(201);
  }

  private static String numeric(String slug, String aggregation) {
    return "{\"slug\":\""
        + slug
        + "\",\"name\":\""
        + slug
        + "\",\"type\":\"NUMERIC\",\"aggregation\":\""
        + aggregation
        + "\"}";
  }

  private ValidatableResponse call(String method, String token, String path, String body) {
    var request = given().header("Authorization", "Bearer " + token);
    if (body != null) {
      request.contentType("application/json").body(body);
    }
    return request.when().request(method, path).then();
  }

  private String connector(String apiKey) {
    return (apiKey == null ? "{" : "{\"api_key\":\"" + apiKey + "\",")
        + "\"customer_id_key\":\"stripe_id\","
        + "\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"},"
        + "\"storage-gb\":{\"event_name\":\"storage_mb\",\"scale\":1000}}}";
  }

  @Test
  void aConnectorIsCreatedReadReplacedAndDeletedAndItsKeyIsNeverAnsweredNorRecorded() {
    String created =
        call("PUT", admin, PATH, connector(key))
            .statusCode(201)
            .body("type", equalTo("stripe"))
            .body("customer_id_key", equalTo("stripe_id"))
            .body("api_key_set", equalTo(true))
            .body("meters.api-calls.event_name", equalTo("api_calls"))
            .body("meters.api-calls.scale", equalTo(1))
            .body("meters.api-calls.formula", equalTo("sum"))
            .body("meters.storage-gb.event_name", equalTo("storage_mb"))
            .body("meters.storage-gb.scale", equalTo(1000))
            .body("meters.storage-gb.formula", equalTo("sum"))
            .extract()
            .asString();
    assertThat(created).doesNotContain(key);
    assertThat(keys.stripeKey(tenant)).contains(key);
    assertThat(call("GET", admin, PATH, null).statusCode(200).extract().asString())
        .isEqualTo(created);

    // Replaced without a key: the key stays; with one, it is replaced.
    call("PUT", admin, PATH, connector(null)).statusCode(200);
    assertThat(keys.stripeKey(tenant)).contains(key);
    String newKey = madeUpKey();
    call("PUT", admin, PATH, connector(newKey)).statusCode(200);
    assertThat(keys.stripeKey(tenant)).contains(newKey);

    String trail =
        call("GET", admin, "/api/audit?type=connector.stripe.created", null)
            .statusCode(200)
            .body("items", hasSize(1))
            .body("items[0].entitlements", equalTo(List.of("api-calls", "storage-gb")))
            .body("items[0].request.api_key_changed", equalTo(true))
            .extract()
            .asString();
    call("GET", admin, "/api/audit?type=connector.stripe.updated", null)
        .statusCode(200)
        .body("items", hasSize(2));
    assertThat(trail + call("GET", admin, "/api/audit", null).extract().asString())
        .doesNotContain(key)
        .doesNotContain(newKey);

    call("DELETE", admin, PATH, null).statusCode(204);
    call("GET", admin, PATH, null).statusCode(404);
    assertThat(keys.stripeKey(tenant)).isEmpty();
    call("DELETE", admin, PATH, null).statusCode(404);
  }

  /** A MAX entitlement goes to a {@code last} meter: its period's value, sent when it closes. */
  @Test
  void aMaxEntitlementMapsToALastMeter() {
    call(
            "PUT",
            admin,
            PATH,
            "{\"api_key\":\""
                + key
                + "\",\"meters\":{\"peak-gb\":{\"event_name\":\"peak_mb\",\"scale\":1000}}}")
        .statusCode(201)
        .body("meters.peak-gb.event_name", equalTo("peak_mb"))
        .body("meters.peak-gb.formula", equalTo("last"));
  }

  @Test
  void everyBadFieldIsRefusedByNameAndNothingIsWritten() {
    // Each body has one fault; the problem names its field.
    Map<String, String> refusals =
        Map.of(
            "{\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"}}}",
            "api_key",
            "{\"api_key\":\"sk_nope\",\"meters\":{\"api-calls\":{\"event_name\":\"a\"}}}",
            "api_key",
            "{\"api_key\":\"" + key + "\",\"meters\":{}}",
            "meters",
            "{\"api_key\":\"" + key + "\",\"meters\":{\"nope\":{\"event_name\":\"a\"}}}",
            "meters.nope",
            "{\"api_key\":\"" + key + "\",\"meters\":{\"sso\":{\"event_name\":\"a\"}}}",
            "meters.sso",
            "{\"api_key\":\""
                + key
                + "\",\"meters\":{\"api-calls\":{\"event_name\":\"a\",\"scale\":0}}}",
            "meters.api-calls.scale",
            "{\"api_key\":\"" + key + "\",\"meters\":{\"api-calls\":{\"event_name\":\"\"}}}",
            "meters.api-calls.event_name",
            "{\"api_key\":\""
                + key
                + "\",\"customer_id_key\":\"no spaces\",\"meters\":{\"api-calls\":{\"event_name\":\"a\"}}}",
            "customer_id_key",
            "{\"api_key\":\""
                + key
                + "\",\"surprise\":1,\"meters\":{\"api-calls\":{\"event_name\":\"a\"}}}",
            "surprise");
    refusals.forEach(
        (body, field) ->
            call("PUT", admin, PATH, body)
                // An entitlement that does not exist is an unknown reference (422), as elsewhere.
                .statusCode(field.equals("meters.nope") ? 422 : 400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));

    call("GET", admin, PATH, null).statusCode(404);
    assertThat(keys.stripeKey(tenant)).isEmpty();
    call("GET", admin, "/api/audit?type=connector.stripe.created", null)
        .statusCode(200)
        .body("items", hasSize(0));
  }

  @Test
  void anotherTenantNeverSeesTheConnector() {
    call("PUT", admin, PATH, connector(key)).statusCode(201);
    String other =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Other\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");

    call("GET", other, PATH, null).statusCode(404);
    call("DELETE", other, PATH, null).statusCode(404);
    call("GET", admin, PATH, null).statusCode(200);
  }
}
