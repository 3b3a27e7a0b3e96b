package sh.kaiten.webhooks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.SampleEvents;
import sh.kaiten.testing.WebhookReceiver;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * the sample events-queue batch, invoked through the Lambda mock event server, fans the event out
 * to the tenant's endpoint as a pending delivery. The receiver listens on 127.0.0.1, so private
 * URLs are allowed.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = {
      @ResourceArg(name = "function", value = "WebhookDispatcherFunction"),
      @ResourceArg(name = "KAITEN_WEBHOOKS_ALLOW_PRIVATE", value = "true")
    })
class WebhookDispatcherIT {
  private final DeploymentStores stores = DeploymentStores.of("WebhookDispatcherFunction");
  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");
  private final WebhookReceiver receiver = WebhookReceiver.start();

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void theSampleEventBecomesADeliveryToTheTenantsEndpoint() {
    WebhookStore webhooks = stores.webhooks();
    Instant now = Instant.now();
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            "wh_" + UUID.randomUUID().toString().replace("-", ""),
            receiver.url(),
            "test receiver",
            List.of("*"),
            WebhookSecrets.newSecret(),
            null,
            null,
            now,
            now);
    webhooks.createEndpoint(tenant, endpoint, ChangeRecords.NONE);

    JsonPath answer =
        given()
            .body(SampleEvents.read("webhook-dispatcher/event.json", Map.of("tnt_sample", tenant)))
            .when()
            .post("/_lambda_")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();

    assertThat(answer.getList("batchItemFailures")).isEmpty();
    List<Delivery> deliveries =
        webhooks.deliveries(tenant, endpoint.id(), PageRequest.of(null, 10)).items();
    assertThat(deliveries).hasSize(1);
    assertThat(deliveries.get(0).eventId()).isEqualTo("evt_01kbsample0000000000000000");
    assertThat(deliveries.get(0).eventType()).isEqualTo("usage.threshold_reached");
    assertThat(deliveries.get(0).status()).isEqualTo(DeliveryStatus.PENDING);
  }
}
