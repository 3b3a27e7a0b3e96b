package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;

/**
 * Every string, id, enum, date and query parameter the control plane takes has a bound; past it the
 * answer is a 400 problem+json naming the field (or header), and nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class InputBoundsApiTest {
  private static final String LONG_ID = "a".repeat(1100);
  private static final String FAR_FUTURE = "+999999999-12-31T23:59:59Z";

  private String admin;

  @BeforeEach
  void tenant() {
    admin =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Acme Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");
  }

  private RequestSpecification as() {
    return given().header("Authorization", "Bearer " + admin).contentType("application/json");
  }

  private static ValidatableResponse refused(ValidatableResponse answer, String field) {
    return answer
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/invalid-input"))
        .body("field", equalTo(field));
  }

  private ValidatableResponse post(String path, String body) {
    return as().body(body).when().post(path).then();
  }

  private void nothingStored(String list) {
    as().when().get(list).then().statusCode(200).body("items", hasSize(0));
  }

  @Test
  void namesAreBoundedAndHideNothing() {
    refused(post("/api/customers", "{\"name\":\"" + "x".repeat(10_000) + "\"}"), "name")
        .body("detail", equalTo("name must be at most 200 characters"));
    refused(post("/api/customers", "{\"name\":\"Acme\\u0000Corp\"}"), "name")
        .body("detail", equalTo("name must not contain control characters (U+0000)"));
    refused(post("/api/customers", "{\"name\":\"Acme \\u202Eproc\"}"), "name")
        .body("detail", equalTo("name must not contain bidirectional text controls (U+202E)"));
    refused(post("/api/customers", "{\"name\":\"\\ud800\"}"), "name")
        .body("detail", equalTo("name must not contain half of a surrogate pair (U+D800)"));
    refused(post("/api/customers", "{\"name\":\"Acme\\uFFFD\"}"), "name")
        .body(
            "detail",
            equalTo(
                "name must not contain the replacement character (U+FFFD) of bytes that were not UTF-8"));
    refused(
        post("/api/customers", "{\"name\":\"Acme\",\"metadata\":{\"crm\\u0007\":\"1\"}}"),
        "metadata.crm\u0007");
    String many =
        IntStream.range(0, 51)
            .mapToObj(i -> "\"k" + i + "\":\"v\"")
            .collect(Collectors.joining(","));
    refused(post("/api/customers", "{\"name\":\"Acme\",\"metadata\":{" + many + "}}"), "metadata");
    nothingStored("/api/customers");
    refused(
        post("/api/tiers", "{\"slug\":\"pro\",\"name\":\"" + "y".repeat(201) + "\",\"rank\":1}"),
        "name");
    nothingStored("/api/tiers");

    // A name of 200 characters, with an emoji (a surrogate pair) in it, is fine.
    post("/api/customers", "{\"name\":\"" + "z".repeat(198) + "\\ud83d\\ude80\"}").statusCode(201);
  }

  @Test
  void unitsAreBounded() {
    refused(
            post(
                "/api/entitlements",
                "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"unit\":\""
                    + "u".repeat(33)
                    + "\"}"),
            "unit")
        .body("detail", equalTo("unit must be at most 32 characters"));
    refused(
        post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"unit\":\"calls\\u2066\"}"),
        "unit");
    nothingStored("/api/entitlements");
  }

  @Test
  void enumsAreTakenByNameOnly() {
    refused(
        post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"enforcement\":\"1\"}"),
        "enforcement");
    refused(
        post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"reset\":-0}"),
        "reset");
    refused(
        post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"scope\":\"0\"}"),
        "scope");
    refused(
        post("/api/entitlements", "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":2}"),
        "type");
    nothingStored("/api/entitlements");
    post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
    refused(
        as().body("{\"enforcement\":\"1\"}").when().patch("/api/entitlements/api-calls").then(),
        "enforcement");
    as().when()
        .get("/api/entitlements/api-calls")
        .then()
        .statusCode(200)
        .body("enforcement", equalTo("HARD"));
  }

  @Test
  void idsInPathsPastTheBoundNeverReachTheTable() {
    refused(as().when().get("/api/customers/" + LONG_ID).then(), "id");
    refused(as().body("{\"name\":\"x\"}").when().patch("/api/tiers/" + LONG_ID).then(), "slug");
    refused(as().when().delete("/api/licenses/" + LONG_ID).then(), "id");
    refused(as().when().get("/api/instances/" + LONG_ID + "/audit").then(), "id");
    refused(as().when().post("/api/instances/" + LONG_ID + "/token").then(), "id");
    refused(
        as().when().post("/api/webhooks/wh_1/deliveries/" + LONG_ID + "/redeliver").then(),
        "delivery_id");
    refused(as().when().get("/api/customers/acme%00corp").then(), "id");
  }

  @Test
  void idsInBodiesAreBounded() {
    refused(
        post("/api/licenses", "{\"customer_id\":\"" + LONG_ID + "\",\"tier\":\"pro\"}"),
        "customer_id");
    refused(
        post("/api/licenses", "{\"customer_id\":\"cus_1\",\"tier\":\"" + LONG_ID + "\"}"), "tier");
    refused(
        post("/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + LONG_ID + "\"}"),
        "license_id");
    refused(
        post("/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"lic 1\"}"), "license_id");
    nothingStored("/api/licenses");
    nothingStored("/api/instances");
  }

  @Test
  void aDuplicateKeyIsNamed() {
    refused(post("/api/customers", "{\"name\":\"Acme\",\"name\":\"Evil\"}"), "name");
    refused(
        post("/api/customers", "{\"name\":\"Acme\",\"metadata\":{\"crm\":\"1\",\"crm\":\"2\"}}"),
        "metadata.crm");
    nothingStored("/api/customers");
  }

  @Test
  void nestingPastTheParsersDepthIsNamedByTheFieldItIsIn() {
    String deep = "[".repeat(2000) + "]".repeat(2000);
    refused(
            post(
                "/api/entitlements",
                "{\"slug\":\"theme\",\"name\":\"Theme\",\"type\":\"CONFIG\",\"config_schema\":"
                    + deep
                    + "}"),
            "config_schema[0][0]")
        .body(
            "detail",
            startsWith(
                "field 'config_schema[0][0]' is nested or sized past what the API reads: at most 1000 levels"));
    // A field that takes a string is refused at its first bracket, before any depth is reached.
    refused(
            post("/api/customers", "{\"name\":\"Acme\",\"metadata\":{\"crm\":" + deep + "}}"),
            "metadata.crm")
        .body("detail", equalTo("field 'metadata.crm' must be a string"));
    nothingStored("/api/entitlements");
    nothingStored("/api/customers");
  }

  @Test
  void aContentTypeThatIsNoMediaTypeIsNamed() {
    refused(
        given()
            .config(
                RestAssured.config()
                    .encoderConfig(
                        EncoderConfig.encoderConfig().encodeContentTypeAs("!!!", ContentType.TEXT)))
            .header("Authorization", "Bearer " + admin)
            .header("Content-Type", "!!!")
            .body("{\"name\":\"Acme\"}")
            .when()
            .post("/api/customers")
            .then(),
        "Content-Type");
    nothingStored("/api/customers");
  }

  @Test
  void datesAndQueryParametersAreBounded() {
    refused(as().when().get("/api/audit?from=" + FAR_FUTURE).then(), "from")
        .body(
            "detail",
            startsWith("from must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z"));
    refused(as().when().get("/api/audit?to=" + FAR_FUTURE).then(), "to");
    refused(as().when().get("/api/audit/verify?from=" + FAR_FUTURE).then(), "from");
    refused(
        as().when().get("/api/usage/export?from=2026-11-01T00:00:00Z&to=" + FAR_FUTURE).then(),
        "to");
    refused(as().when().get("/api/audit?instance=" + LONG_ID).then(), "instance");
    refused(as().when().get("/api/audit?entitlement=" + LONG_ID).then(), "entitlement");
    refused(as().when().get("/api/audit?type=" + "t".repeat(65)).then(), "type");
    refused(as().when().get("/api/customers?cursor=" + "c".repeat(1025)).then(), "cursor");
    refused(as().when().get("/api/customers?limit=0").then(), "limit");
    refused(as().when().get("/api/customers?limit=99999999999").then(), "limit");
    refused(
        post(
            "/api/licenses",
            "{\"customer_id\":\"cus_1\",\"tier\":\"pro\",\"expires_at\":\"" + FAR_FUTURE + "\"}"),
        "expires_at");
    nothingStored("/api/licenses");
  }

  @Test
  void dotSegmentsAreRefusedNotResolved() {
    refused(
        given()
            .urlEncodingEnabled(false)
            .header("Authorization", "Bearer " + admin)
            .when()
            .get("/api/customers/../tiers")
            .then(),
        "path");
    refused(
        given()
            .urlEncodingEnabled(false)
            .header("Authorization", "Bearer " + admin)
            .when()
            .get("/api/customers/%2e%2e/tiers")
            .then(),
        "path");
  }
}
