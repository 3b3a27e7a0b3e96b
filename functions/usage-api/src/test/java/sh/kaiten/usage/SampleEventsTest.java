package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;

/**
 * The handler, driven with the sample API Gateway events of infra/events/ (raw Lambda invocations).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class SampleEventsTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;

  @Test
  void reportUsageEvent() {
    ProductPage page = ProductPage.seed(catalog);
    String event =
        SampleEvents.read(
            "usage-api/report-usage.json",
            Map.of(SampleEvents.INSTANCE_TOKEN, page.instanceSecret()));
    String response =
        given()
            .body(event)
            .when()
            .post("/_lambda_")
            .then()
            .statusCode(200)
            .body("statusCode", equalTo(200))
            .extract()
            .asString();
    JsonPath body = JsonPath.from(JsonPath.from(response).getString("body"));
    org.assertj.core.api.Assertions.assertThat(body.getInt("current_usage")).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThat(body.getString("status")).isEqualTo("ACCEPTED");
  }
}
