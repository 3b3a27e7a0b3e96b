package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 14: the input bounds (names, units, labels, metadata) sat in the records' constructors, so
 * an item stored before them (a deployment upgraded with a long or odd name) answered 400 on every
 * read. Bounds are checked where input enters: a stored item always loads, and input past a bound
 * is refused as before.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class StoredBeforeBoundsTest {
  private static final String LONG = "n".repeat(1000);
  private static final String ODD = "Acme\u0000\u202ECorp";

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    var created =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Upgraded Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    admin = created.getString("admin_token.token");
    tenant = created.getString("id");
  }

  private RequestSpecification as() {
    return given().header("Authorization", "Bearer " + admin).contentType("application/json");
  }

  private ValidatableResponse send(String method, String path, String body) {
    RequestSpecification request = as();
    if (body != null) {
      request.body(body);
    }
    return request.when().request(method, path).then();
  }

  private static ValidatableResponse refused(ValidatableResponse answer, String field) {
    return answer
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo(field));
  }

  /** Writes {@code attribute} of a catalog item as an older deployment could have stored it. */
  private void storeDirectly(String sk, String attribute, AttributeValue value) {
    var aws = LocalAwsResource.localAws();
    aws.dynamo()
        .updateItem(
            r ->
                r.tableName(aws.resources().ref("CatalogTable"))
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("TENANT#" + tenant),
                            "sk",
                            AttributeValue.fromS(sk)))
                    .conditionExpression("attribute_exists(pk)")
                    .updateExpression("SET #a = :v")
                    .expressionAttributeNames(Map.of("#a", attribute))
                    .expressionAttributeValues(Map.of(":v", value)));
  }

  @Test
  void recordsStoredWithNamesPastTheBoundsLoadAndNewInputIsStillRefused() {
    send(
            "POST",
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\","
                + "\"unit\":\"calls\"}")
        .statusCode(201);
    send(
            "POST",
            "/api/tiers",
            "{\"slug\":\"pro\",\"name\":\"Pro\",\"rank\":1,\"entitlements\":{\"api-calls\":100}}")
        .statusCode(201);
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    String license =
        send("POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}")
            .statusCode(201)
            .extract()
            .path("id");
    send("POST", "/api/instances", "{\"id\":\"acme-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(201);

    storeDirectly("ENTITLEMENT#api-calls", "name", AttributeValue.fromS(LONG));
    storeDirectly("ENTITLEMENT#api-calls", "unit", AttributeValue.fromS("u".repeat(100)));
    storeDirectly("TIER#pro", "name", AttributeValue.fromS(ODD));
    storeDirectly("CUSTOMER#" + customer, "name", AttributeValue.fromS(LONG));
    storeDirectly(
        "CUSTOMER#" + customer,
        "metadata",
        AttributeValue.fromM(Map.of("crm\u0007", AttributeValue.fromS("1"))));
    storeDirectly("INSTANCE#acme-prod", "name", AttributeValue.fromS(ODD));
    storeDirectly(
        "INSTANCE#acme-prod",
        "labels",
        AttributeValue.fromM(Map.of("env", AttributeValue.fromS(LONG))));

    // Every read of them answers 200, with what is stored.
    send("GET", "/api/entitlements/api-calls", null)
        .statusCode(200)
        .body("name", equalTo(LONG))
        .body("unit", equalTo("u".repeat(100)));
    send("GET", "/api/entitlements", null).statusCode(200).body("items.name", hasItem(LONG));
    send("GET", "/api/tiers/pro", null).statusCode(200).body("name", equalTo(ODD));
    send("GET", "/api/tiers", null).statusCode(200).body("items.name", hasItem(ODD));
    send("GET", "/api/customers/" + customer, null)
        .statusCode(200)
        .body("name", equalTo(LONG))
        .body("metadata", equalTo(Map.of("crm\u0007", "1")));
    send("GET", "/api/customers", null).statusCode(200).body("items.name", hasItem(LONG));
    send("GET", "/api/instances/acme-prod", null)
        .statusCode(200)
        .body("name", equalTo(ODD))
        .body("labels.env", equalTo(LONG));
    send("GET", "/api/instances", null).statusCode(200).body("items.name", hasItem(ODD));
    send("GET", "/api/licenses/" + license, null).statusCode(200);
    send("GET", "/api/instances/acme-prod/usage/history", null).statusCode(200);

    // A change that leaves them as stored is made; one that brings such text is refused, naming the
    // field.
    send("PATCH", "/api/tiers/pro", "{\"rank\":2}").statusCode(200).body("name", equalTo(ODD));
    send("PATCH", "/api/customers/" + customer, "{\"metadata\":{\"plan\":\"gold\"}}")
        .statusCode(200)
        .body("metadata", equalTo(Map.of("crm\u0007", "1", "plan", "gold")));
    send("PATCH", "/api/instances/acme-prod", "{\"labels\":{\"team\":\"core\"}}")
        .statusCode(200)
        .body("labels.env", equalTo(LONG));
    send("PATCH", "/api/entitlements/api-calls", "{\"enforcement\":\"SOFT\"}")
        .statusCode(200)
        .body("name", equalTo(LONG));

    refused(
        send("PATCH", "/api/entitlements/api-calls", "{\"name\":\"" + "m".repeat(201) + "\"}"),
        "name");
    refused(
        send("PATCH", "/api/entitlements/api-calls", "{\"unit\":\"" + "v".repeat(33) + "\"}"),
        "unit");
    refused(send("PATCH", "/api/tiers/pro", "{\"name\":\"Pro\\u202E\"}"), "name");
    refused(
        send("PATCH", "/api/customers/" + customer, "{\"name\":\"" + "m".repeat(201) + "\"}"),
        "name");
    refused(
        send("PATCH", "/api/customers/" + customer, "{\"metadata\":{\"x\":\"a\\u0000b\"}}"),
        "metadata.x");
    refused(send("PATCH", "/api/instances/acme-prod", "{\"name\":\"Prod\\u0000\"}"), "name");
    refused(
        send(
            "PATCH",
            "/api/instances/acme-prod",
            "{\"labels\":{\"y\":\"" + "w".repeat(257) + "\"}}"),
        "labels.y");
    refused(
        send(
            "POST",
            "/api/entitlements",
            "{\"slug\":\"sso\",\"name\":\"" + LONG + "\",\"type\":\"BOOLEAN\"}"),
        "name");
    refused(
        send("POST", "/api/tiers", "{\"slug\":\"odd\",\"name\":\"Odd\\u0000\",\"rank\":3}"),
        "name");
    refused(send("POST", "/api/customers", "{\"name\":\"" + LONG + "\"}"), "name");
    refused(
        send(
            "POST",
            "/api/instances",
            "{\"id\":\"acme-dev\",\"license_id\":\"" + license + "\",\"name\":\"Dev\\u202E\"}"),
        "name");
    send("GET", "/api/instances/acme-dev", null).statusCode(404);
    send("GET", "/api/entitlements/sso", null).statusCode(404);
  }
}
