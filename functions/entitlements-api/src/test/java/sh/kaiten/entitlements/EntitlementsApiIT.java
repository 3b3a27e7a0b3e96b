package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * an instance evaluates an entitlement through the Lambda mock event server, and the evaluation is
 * in the audit trail.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class EntitlementsApiIT {
  private final DeploymentStores stores = DeploymentStores.of("EntitlementsApiFunction");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void anInstanceEvaluatesItsTiersEntitlementAndTheEvaluationIsAudited() {
    ProductPage page = stores.productPage();

    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .when()
        .get("/api/instances/{id}/entitlements/{slug}", ProductPage.INSTANCE, "sso")
        .then()
        .statusCode(200)
        .body("entitlement", equalTo("sso"))
        .body("type", equalTo("BOOLEAN"))
        .body("enabled", equalTo(true))
        .body("source", equalTo("TIER"));

    List<Map<String, AttributeValue>> trail =
        stores.partition("KAITEN_TABLE_AUDIT", "TENANT#" + page.adminToken().tenantId());
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).get("sk").s()).startsWith("RECORD#");
    assertThat(trail.get(0).get("instance_id").s()).isEqualTo(ProductPage.INSTANCE);
  }
}
