package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;

/** The handler driven with the sample scheduled event, against DynamoDB Local and ElasticMQ. */
@QuarkusTest
@QuarkusTestResource(value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class LifecycleHandlerTest {
  private static final String TICK = "scheduler/scheduled-event.json";

  @Inject CatalogStore catalog;
  @Inject TokenStore tokens;

  @Test
  void eachLicenseMomentIsAnnouncedOnceWhenItFallsDue() {
    ProductPage page = ProductPage.seed(catalog, tokens);
    String tenant = page.adminToken().tenantId();
    String customer = page.admin().license(page.adminToken(), page.licenseId()).customerId();
    Instant ends = Instant.now().plusSeconds(2);
    License trial = page.admin().createLicense(page.adminToken(),
        new LicenseDraft(customer, "pro", LicenseStatus.TRIAL, null, ends, ends, null));

    tick();
    List<JsonNode> first = EventsQueue.take(tenant);
    assertThat(first).extracting(e -> e.get("type").asText()).containsExactly("trial.ending_soon");
    assertThat(first.get(0).get("data").get("license_id").asText()).isEqualTo(trial.id());

    List<String> later = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
      tick();
      EventsQueue.take(tenant).forEach(e -> later.add(e.get("type").asText()));
      return later.size() >= 2;
    });
    assertThat(later).containsExactlyInAnyOrder("trial.expired", "license.expired");

    tick();
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  @Test
  void aTickWithNothingDueFiresNothing() {
    JsonNode summary = tick();

    assertThat(summary.get("failures")).isEmpty();
  }

  private static JsonNode tick() {
    return given().body(SampleEvents.read(TICK, Map.of())).when().post("/_lambda_")
        .then().statusCode(200).extract().as(JsonNode.class);
  }
}
