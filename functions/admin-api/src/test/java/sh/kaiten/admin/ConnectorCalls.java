package sh.kaiten.admin;

import static io.restassured.RestAssured.given;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import sh.kaiten.testing.LocalAwsResource;

/** What the connectors' API tests share: a fresh tenant, and a call with a token. */
final class ConnectorCalls {
  private ConnectorCalls() {}

  /** A tenant made with the deployment's bootstrap secret: its id and admin token. */
  static ExtractableResponse<Response> newTenant(String name) {
    return given()
        .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json")
        .body("{\"name\":\"" + name + "\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(201)
        .extract();
  }

  static ValidatableResponse call(String method, String token, String path, String body) {
    var request = given().header("Authorization", "Bearer " + token);
    if (body != null) {
      request.contentType("application/json").body(body);
    }
    return request.when().request(method, path).then();
  }
}
