package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;

/**
 * Limits, overrides and overage percents hold to the numeric contract (NumericContract); outside
 * it, nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class NumericContractAdminTest {
  static final String OUT_OF_RANGE =
      " is out of range: a number takes at most 38 significant digits, from 1e-130 to below 1e126";
  static final String QUANTITY =
      " must be a number from 0 to 1000000000000000 (10^15) with at most 6 decimal places";

  private String admin;

  @BeforeEach
  void tenant() {
    admin =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Numbers Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");
    post(
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
  }

  private ValidatableResponse post(String path, String body) {
    return given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body(body)
        .when()
        .post(path)
        .then();
  }

  private void refused(String path, String body, String field, String detail) {
    post(path, body)
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/invalid-input"))
        .body("field", equalTo(field))
        .body("detail", equalTo(detail));
  }

  private String tier(String limit) {
    return "{\"slug\":\"pro\",\"name\":\"Pro\",\"rank\":1,\"entitlements\":{\"api-calls\":"
        + limit
        + "}}";
  }

  @Test
  void tierLimitsOutsideTheContractAreRefusedNamingTheField() {
    String field = "entitlements.api-calls";
    refused("/api/tiers", tier("1e400"), field, field + OUT_OF_RANGE);
    refused("/api/tiers", tier("1e-400"), field, field + OUT_OF_RANGE);
    refused("/api/tiers", tier("1.7976931348623157e309"), field, field + OUT_OF_RANGE);
    refused("/api/tiers", tier("1e-1000000000"), field, field + OUT_OF_RANGE);
    refused("/api/tiers", tier("0.0000001"), field, field + QUANTITY);
    refused("/api/tiers", tier("1000000000000001"), field, field + QUANTITY);
    refused("/api/tiers", tier("-1"), field, field + " must not be negative");
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/tiers/pro")
        .then()
        .statusCode(404);
    post("/api/tiers", tier("1e15"))
        .statusCode(201)
        .body("entitlements.api-calls", equalTo(1_000_000_000_000_000L));
  }

  @Test
  void overridesOutsideTheContractAreRefusedNamingTheField() {
    post("/api/tiers", tier("100")).statusCode(201);
    String customer =
        post("/api/customers", "{\"name\":\"Acme Corp\"}").statusCode(201).extract().path("id");
    String license =
        "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\",\"overrides\":{\"api-calls\":%s}}";
    refused(
        "/api/licenses",
        license.formatted("1e-37"),
        "overrides.api-calls",
        "overrides.api-calls" + QUANTITY);
    refused(
        "/api/licenses",
        license.formatted("1e400"),
        "overrides.api-calls",
        "overrides.api-calls" + OUT_OF_RANGE);
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/licenses")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
    post("/api/licenses", license.formatted("2.5"))
        .statusCode(201)
        .body("overrides.api-calls", equalTo(2.5f));
  }

  @Test
  void overagePercentsOutsideTheContractAreRefused() {
    String soft =
        "{\"slug\":\"storage\",\"name\":\"Storage\",\"type\":\"NUMERIC\",\"enforcement\":\"SOFT\","
            + "\"overage_percent\":%s}";
    String percent =
        "overage_percent must be a number from 0 to 1000 with at most 2 decimal places";
    refused("/api/entitlements", soft.formatted("1000.01"), "overage_percent", percent);
    refused("/api/entitlements", soft.formatted("0.001"), "overage_percent", percent);
    refused(
        "/api/entitlements",
        soft.formatted("1e-400"),
        "overage_percent",
        "overage_percent" + OUT_OF_RANGE);
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/entitlements/storage")
        .then()
        .statusCode(404);
    post("/api/entitlements", soft.formatted("12.5"))
        .statusCode(201)
        .body("overage_percent", equalTo(12.5f));
  }
}
