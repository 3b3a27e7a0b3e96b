package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.SampleEvents;
import sh.kaiten.testing.SecretsManagerResource;

/**
 * As on AWS, the scheduler is given the audit digest key's id and reads the key from Secrets
 * Manager once.
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class SecretsAtColdStartTest {

  public static class FromSecretsManager implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(
              SecretsManagerResource.class, Map.of("function", "SchedulerFunction")));
    }
  }

  @Test
  void theDigestKeyIsReadFromSecretsManagerOnceAndNothingElseIs() {
    for (int tick = 0; tick < 2; tick++) {
      JsonNode summary =
          given()
              .body(SampleEvents.read("scheduler/scheduled-event.json", Map.of()))
              .when()
              .post("/_lambda_")
              .then()
              .statusCode(200)
              .extract()
              .as(JsonNode.class);
      assertThat(summary.get("failures")).isEmpty();
    }

    assertThat(SecretsManagerResource.secretsManager().asked())
        .containsExactly(LocalAwsResource.localAws().resources().ref("AuditDigestKey"));
  }
}
