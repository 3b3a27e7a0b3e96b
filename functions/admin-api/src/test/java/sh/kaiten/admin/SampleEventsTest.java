package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.SampleEvents;

/** The handler, driven with the sample API Gateway events of infra/events/ (raw Lambda invocations). */
@QuarkusTest
@QuarkusTestResource(value = LocalAwsResource.class, initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class SampleEventsTest {

  private static JsonPath invoke(String sample, Map<String, String> tokens, int expectedStatus) {
    String event = SampleEvents.read(sample, tokens);
    JsonPath response = JsonPath.from(given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString());
    assertThat(response.getInt("statusCode")).isEqualTo(expectedStatus);
    return JsonPath.from(response.getString("body"));
  }

  @Test
  void createTenantThenEntitlementEvents() {
    JsonPath tenant = invoke("admin-api/create-tenant.json",
        Map.of(SampleEvents.BOOTSTRAP_SECRET, LocalAwsResource.bootstrapSecret()), 201);
    assertThat(tenant.getString("name")).isEqualTo("Acme Vendor");
    String admin = tenant.getString("admin_token.token");
    JsonPath entitlement = invoke("admin-api/create-entitlement.json", Map.of(SampleEvents.ADMIN_TOKEN, admin), 201);
    assertThat(entitlement.getString("slug")).isEqualTo("api-calls");
    assertThat(entitlement.getString("type")).isEqualTo("NUMERIC");
  }
}
