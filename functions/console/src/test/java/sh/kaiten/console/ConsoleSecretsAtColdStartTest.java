package sh.kaiten.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SecretsManagerResource;

/**
 * As on AWS, the console is given the audit digest key's id, not its value, and reads it from
 * Secrets Manager at cold start, once: a verification on the audit page uses it.
 */
@QuarkusTest
@TestProfile(ConsoleSecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleSecretsAtColdStartTest {

  public static class FromSecretsManager implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(
              SecretsManagerResource.class, Map.of("function", "ConsoleFunction")));
    }
  }

  @Test
  void theDigestKeyIsReadFromSecretsManagerOnce() {
    ProductPage tenant = DeploymentStores.of("ConsoleFunction").productPage();
    String session =
        given()
            .redirects()
            .follow(false)
            .contentType("application/x-www-form-urlencoded")
            .formParam("token", tenant.adminSecret())
            .post("/console/sign-in")
            .header("Set-Cookie")
            .replaceAll("^kaiten_console=([^;]+);.*$", "$1");
    for (int i = 0; i < 2; i++) {
      assertThat(
              given()
                  .cookie("kaiten_console", session)
                  .queryParam("from", Instant.now().minusSeconds(3600).toString())
                  .get("/console/audit/verify")
                  .asString())
          .contains("data-valid=\"true\"");
    }

    assertThat(SecretsManagerResource.secretsManager().asked())
        .containsExactly(LocalAwsResource.localAws().resources().ref("AuditDigestKey"));
  }
}
