package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.PackagedFunctionResource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * the deployment's bootstrap secret creates a tenant, whose admin token creates an entitlement,
 * stored in the Catalog table.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class AdminApiIT {
  private final DeploymentStores stores = DeploymentStores.of("AdminApiFunction");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void theBootstrapSecretCreatesATenantWhoseTokenCreatesAnEntitlement() {
    JsonPath tenant =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType(ContentType.JSON)
            .body("{\"name\":\"Acme Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .body("name", equalTo("Acme Vendor"))
            .body("admin_token.token", startsWith("ksh_"))
            .extract()
            .jsonPath();

    given()
        .header("Authorization", "Bearer " + tenant.getString("admin_token.token"))
        .contentType(ContentType.JSON)
        .body(
            "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"enforcement\":\"HARD\",\"unit\":\"calls\"}")
        .when()
        .post("/api/entitlements")
        .then()
        .statusCode(201)
        .body("slug", equalTo("api-calls"))
        .body("type", equalTo("NUMERIC"));

    List<Map<String, AttributeValue>> items =
        stores.partition("KAITEN_TABLE_CATALOG", "TENANT#" + tenant.getString("id"));
    assertThat(items)
        .extracting(item -> item.get("sk").s())
        .contains("TENANT", "ENTITLEMENT#api-calls");
  }
}
