package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.SecretsManagerResource;

/**
 * As on AWS, admin-api is given its secrets' ids, not their values, and reads them from Secrets
 * Manager at cold start, once each: the bootstrap secret (tenants) and the audit digest key
 * (verify).
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class SecretsAtColdStartTest {

  public static class FromSecretsManager implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(
              SecretsManagerResource.class, Map.of("function", "AdminApiFunction")));
    }
  }

  @Test
  void theBootstrapSecretAndTheDigestKeyAreReadFromSecretsManagerOnceEach() {
    for (String name : List.of("Secrets first", "Secrets second")) {
      given()
          .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
          .contentType("application/json")
          .body("{\"name\":\"" + name + "\"}")
          .when()
          .post("/api/tenants")
          .then()
          .statusCode(201);
    }

    var provisioned = LocalAwsResource.localAws().resources();
    assertThat(SecretsManagerResource.secretsManager().asked())
        .containsExactly(provisioned.ref("BootstrapSecret"), provisioned.ref("AuditDigestKey"));
  }
}
