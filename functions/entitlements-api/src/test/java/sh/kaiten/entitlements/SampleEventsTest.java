package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
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
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class SampleEventsTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  /**
   * Invokes the handler with the sample event; answers the API Gateway response's status and parsed
   * body.
   */
  private JsonPath invoke(String sample, int expectedStatus) {
    String event =
        SampleEvents.read(sample, Map.of(SampleEvents.INSTANCE_TOKEN, page.instanceSecret()));
    JsonPath response =
        JsonPath.from(
            given()
                .body(event)
                .when()
                .post("/_lambda_")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    assertThat(response.getInt("statusCode")).isEqualTo(expectedStatus);
    return JsonPath.from(response.getString("body"));
  }

  @Test
  void usageStateEvent() {
    JsonPath body = invoke("entitlements-api/usage-state.json", 200);
    assertThat(body.getString("entitlement")).isEqualTo("api-calls");
    assertThat(body.getInt("limit")).isEqualTo(100000);
    assertThat(body.getInt("current_usage")).isEqualTo(0);
  }

  @Test
  void oneEntitlementEvent() {
    JsonPath body = invoke("entitlements-api/one-entitlement.json", 200);
    assertThat(body.getString("entitlement")).isEqualTo("sso");
    assertThat(body.getBoolean("enabled")).isTrue();
  }

  @Test
  void snapshotEvent() {
    JsonPath body = invoke("entitlements-api/snapshot.json", 200);
    assertThat(body.getString("instance")).isEqualTo("acme-prod");
    assertThat(body.getString("license.status")).isEqualTo("ACTIVE");
    assertThat(body.getList("entitlements.slug")).containsExactly("api-calls", "sso");
  }

  @Test
  void allEntitlementsEvent() {
    JsonPath body = invoke("entitlements-api/all-entitlements.json", 200);
    assertThat(body.getList("entitlements.entitlement")).containsExactly("api-calls", "sso");
  }
}
