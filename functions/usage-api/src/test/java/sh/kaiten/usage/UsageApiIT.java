package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Smoke test of the packaged function (quarkus-run.jar; the native executable with -Pnative): a
 * report through the Lambda mock event server is counted in the Usage table.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class UsageApiIT {
  private final DeploymentStores stores = DeploymentStores.of("UsageApiFunction");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void aReportIsCountedAndAnsweredWithTheUsageState() {
    ProductPage page = stores.productPage();

    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body("{\"entitlement_slug\":\"api-calls\",\"value\":3}")
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(200)
        .body("entitlement", equalTo("api-calls"))
        .body("current_usage", equalTo(3))
        .body("limit", equalTo(100000))
        .body("status", equalTo("ACCEPTED"));

    String counter =
        "COUNTER#" + page.adminToken().tenantId() + "#api-calls#instance:" + ProductPage.INSTANCE;
    List<Map<String, AttributeValue>> items = stores.partition("KAITEN_TABLE_USAGE", counter);
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("sk").s()).startsWith("PERIOD#");
    assertThat(items.get(0).get("total").n()).isEqualTo("3");
  }
}
