package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * the sample schedule event, invoked through the Lambda mock event server, seals the finished hour
 * of a tenant created three hours ago (its digest is in the Audit table).
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class SchedulerIT {
  private final DeploymentStores stores = DeploymentStores.of("SchedulerFunction");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void aTickSealsTheFinishedHourOfATenant() {
    Instant created = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.HOURS);
    String tenant =
        new Administration(
                stores.catalog(),
                ChangeJournal.SILENT,
                Clock.fixed(created.plusSeconds(1), ZoneOffset.UTC),
                Optional.of(LocalAwsResource.bootstrapSecret()),
                ProductPage.TRIAL_NOTICE)
            .tenants()
            .bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Acme Vendor")
            .tenant()
            .id();

    JsonPath summary =
        given()
            .body(SampleEvents.read("scheduler/scheduled-event.json", Map.of()))
            .when()
            .post("/_lambda_")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();

    assertThat(summary.getList("failures")).isEmpty();
    assertThat(summary.getList("sealed", String.class)).contains(tenant + " " + created + " 1/1");
    assertThat(stores.partition("KAITEN_TABLE_AUDIT", "TENANT#" + tenant))
        .extracting(item -> item.get("sk").s())
        .contains("DIGEST#" + created + "#0001");
  }
}
