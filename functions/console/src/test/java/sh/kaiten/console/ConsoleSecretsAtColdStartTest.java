package sh.kaiten.console;

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
    ConsoleClient console = ConsoleClient.signIn(tenant.adminSecret());
    for (int i = 0; i < 2; i++) {
      assertThat(
              console
                  .get(
                      "/console/audit/verify",
                      Map.of("from", Instant.now().minusSeconds(3600).toString()))
                  .asString())
          .contains("data-valid=\"true\"");
    }

    assertThat(SecretsManagerResource.secretsManager().asked())
        .containsExactly(LocalAwsResource.localAws().resources().ref("AuditDigestKey"));
  }
}
