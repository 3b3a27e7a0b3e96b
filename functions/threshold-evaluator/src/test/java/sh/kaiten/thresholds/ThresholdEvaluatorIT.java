package sh.kaiten.thresholds;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.SampleEvents;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * the sample SQS batch of threshold signals, invoked through the Lambda mock event server, marks
 * its crossing in the Usage table.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "ThresholdEvaluatorFunction"))
class ThresholdEvaluatorIT {
  private final DeploymentStores stores = DeploymentStores.of("ThresholdEvaluatorFunction");
  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void theSampleBatchMarksItsCrossings() {
    String batch =
        SampleEvents.read(
            "threshold-evaluator/threshold-signals.json", Map.of("tnt_sample", tenant));

    JsonPath answer =
        given().body(batch).when().post("/_lambda_").then().statusCode(200).extract().jsonPath();

    assertThat(answer.getList("batchItemFailures")).isEmpty();
    assertThat(
            stores.partition(
                "KAITEN_TABLE_USAGE", "COUNTER#" + tenant + "#api-calls#instance:acme-prod"))
        .extracting(item -> item.get("sk").s())
        .containsExactly("CROSSING#2026-11-01T00:00:00Z#80");
    assertThat(
            stores.partition(
                "KAITEN_TABLE_USAGE", "COUNTER#" + tenant + "#seats#license:lic_sample"))
        .extracting(item -> item.get("sk").s())
        .containsExactly("CROSSING#lifetime#100");
  }
}
