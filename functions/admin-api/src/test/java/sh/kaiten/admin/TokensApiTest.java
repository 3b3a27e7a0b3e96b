package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.testing.LocalAwsResource;

/** Admin tokens and instance token rotation: a revoked or replaced token stops working at once. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class TokensApiTest {
  @Inject TokenStore tokens;

  private String admin;
  private String adminId;

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
    adminId = created.path("admin_token.id");
  }

  private ValidatableResponse call(String method, String token, String path) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{}")
        .when()
        .request(method, path)
        .then();
  }

  private String instance(String id) {
    given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body("{\"slug\":\"t-" + id + "\",\"name\":\"T\",\"rank\":1}")
        .when()
        .post("/api/tiers")
        .then()
        .statusCode(201);
    String customer =
        given()
            .header("Authorization", "Bearer " + admin)
            .contentType("application/json")
            .body("{\"name\":\"Acme\"}")
            .when()
            .post("/api/customers")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String license =
        given()
            .header("Authorization", "Bearer " + admin)
            .contentType("application/json")
            .body("{\"customer_id\":\"" + customer + "\",\"tier\":\"t-" + id + "\"}")
            .when()
            .post("/api/licenses")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return given()
        .header("Authorization", "Bearer " + admin)
        .contentType("application/json")
        .body("{\"id\":\"" + id + "\",\"license_id\":\"" + license + "\"}")
        .when()
        .post("/api/instances")
        .then()
        .statusCode(201)
        .extract()
        .path("token.token");
  }

  @Test
  void anAdminTokenIsShownOnceListedWithoutItsSecretAndRevokedAtOnce() {
    var issued =
        call("POST", admin, "/api/tokens")
            .statusCode(201)
            .body("token", startsWith("ksh_"))
            .body("scope", equalTo("ADMIN"))
            .extract();
    String second = issued.path("token");
    String secondId = issued.path("id");
    assertThat(tokens.findByHash(Secrets.hash(second))).isPresent();

    String listing = call("GET", second, "/api/tokens").statusCode(200).extract().asString();
    assertThat(listing).doesNotContain(second).doesNotContain(admin).doesNotContain("ksh_");
    List<String> ids = call("GET", second, "/api/tokens").extract().path("tokens.id");
    assertThat(ids).containsExactlyInAnyOrder(adminId, secondId);

    call("DELETE", second, "/api/tokens/" + adminId).statusCode(204);
    call("GET", admin, "/api/tokens").statusCode(401);
    call("GET", second, "/api/tokens").statusCode(200);
  }

  @Test
  void aTokenCannotRevokeItselfAndUnknownTokensAreNotFound() {
    call("DELETE", admin, "/api/tokens/" + adminId)
        .statusCode(409)
        .contentType("application/problem+json");
    call("DELETE", admin, "/api/tokens/tok_missing").statusCode(404);
    call("GET", admin, "/api/tokens").statusCode(200);
  }

  @Test
  void rotatingAnInstanceTokenStopsTheOldOneAtOnce() {
    String old = instance("acme-prod");
    assertThat(tokens.findByHash(Secrets.hash(old))).isPresent();

    String fresh =
        call("POST", admin, "/api/instances/acme-prod/token")
            .statusCode(201)
            .body("scope", equalTo("INSTANCE"))
            .body("instance_id", equalTo("acme-prod"))
            .extract()
            .path("token");

    assertThat(tokens.findByHash(Secrets.hash(old))).isEmpty();
    assertThat(tokens.findByHash(Secrets.hash(fresh)))
        .hasValueSatisfying(token -> assertThat(token.instanceId()).isEqualTo("acme-prod"));
    call("POST", admin, "/api/instances/ghost/token").statusCode(404);
  }

  @Test
  void anInstanceTokenManagesNoTokens() {
    String instanceToken = instance("acme-staging");
    for (Map.Entry<String, String> call :
        Map.of("POST", "/api/tokens", "GET", "/api/tokens", "DELETE", "/api/tokens/" + adminId)
            .entrySet()) {
      call(call.getKey(), instanceToken, call.getValue()).statusCode(403);
    }
    call("POST", instanceToken, "/api/instances/acme-staging/token").statusCode(403);
  }
}
