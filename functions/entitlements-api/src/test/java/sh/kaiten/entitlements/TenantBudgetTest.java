package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.dynamodb.DynamoRequestBudget;
import sh.kaiten.domain.access.RequestBudget;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * A tenant past its request budget is answered 429 problem+json with Retry-After, and nothing more
 * is done for it; another tenant goes on as before. (Exactness across instances:
 * DynamoRequestBudgetTest.)
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class TenantBudgetTest {
  private static final String PATH = "/api/instances/acme-prod/entitlements/sso";
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject RequestBudget budget;

  @Test
  void aTenantPastItsBudgetIsAnswered429WithRetryAfterAndOtherTenantsAreNot() {
    ProductPage flooding = ProductPage.seed(catalog);
    ProductPage other = ProductPage.seed(catalog);
    // 1 request per second: 10 in each 10-second window
    ((DynamoRequestBudget) budget).setLimit(flooding.adminToken().tenantId(), 1);

    int admitted = 0;
    Response refused = null;
    // A window may end during the loop (10 more then), never twice: within 21 requests one is
    // refused.
    // Instance and admin tokens take turns: both spend the one tenant budget.
    for (int i = 0; i < 21 && refused == null; i++) {
      Response answer = get(i % 2 == 0 ? flooding.instanceSecret() : flooding.adminSecret());
      if (answer.statusCode() == 429) {
        refused = answer;
      } else {
        assertThat(answer.statusCode()).isEqualTo(200);
        admitted++;
      }
    }

    assertThat(refused).as("a 429 within 21 requests").isNotNull();
    assertThat(admitted).isBetween(10, 20);
    assertThat(refused.contentType()).isEqualTo("application/problem+json");
    assertThat(refused.jsonPath().getString("type"))
        .isEqualTo("https://kaiten.sh/problems/request-budget-exceeded");
    assertThat(refused.jsonPath().getInt("status")).isEqualTo(429);
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 10);

    assertThat(get(other.instanceSecret()).statusCode()).isEqualTo(200);
    assertThat(get(other.adminSecret()).statusCode()).isEqualTo(200);
  }

  private static Response get(String token) {
    return given().header("Authorization", "Bearer " + token).when().get(PATH);
  }
}
