package sh.kaiten.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * an admin token signs in, the session is stored only hashed in the Sessions table, and its cookie
 * opens the customers page, which lists the demo customer.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleIT {
  private static final Pattern SESSION =
      Pattern.compile("kaiten_console=(kcs_[A-Za-z0-9_-]{43});.*HttpOnly.*");

  private final DeploymentStores stores = DeploymentStores.of("ConsoleFunction");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void anAdminTokenSignsInAndItsSessionOpensTheCustomers() {
    ProductPage page = stores.productPage();

    Response signedIn =
        given()
            .redirects()
            .follow(false)
            .contentType("application/x-www-form-urlencoded")
            .formParam("token", page.adminSecret())
            .when()
            .post("/console/sign-in");
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.header("Location")).endsWith("/console/customers");
    Matcher cookie = SESSION.matcher(signedIn.header("Set-Cookie"));
    assertThat(cookie.matches()).as(signedIn.header("Set-Cookie")).isTrue();
    String secret = cookie.group(1);

    Map<String, AttributeValue> stored =
        LocalAwsResource.localAws()
            .dynamo()
            .getItem(
                r ->
                    r.tableName(stores.table("KAITEN_TABLE_SESSIONS"))
                        .consistentRead(true)
                        .key(Map.of("session_hash", AttributeValue.fromS(Secrets.hash(secret)))))
            .item();
    assertThat(stored).as("the session, under the hash of its secret").isNotEmpty();
    assertThat(stored.toString()).doesNotContain(secret);

    Response customers =
        given()
            .redirects()
            .follow(false)
            .cookie("kaiten_console", secret)
            .get("/console/customers");
    assertThat(customers.statusCode()).isEqualTo(200);
    assertThat(customers.contentType()).startsWith("text/html");
    assertThat(customers.body().asString()).contains("Acme Corp");
  }
}
