package sh.kaiten.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.PackagedFunctionResource;
import sh.kaiten.testing.SampleEvents;

/**
 * Smoke test of the packaged function (the JVM function.zip; the native executable with -Pnative):
 * the sample batch of the Outbox table's stream, invoked through the Lambda mock event server, puts
 * its event on the events queue.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(
    value = PackagedFunctionResource.class,
    initArgs = @ResourceArg(name = "function", value = "OutboxPublisherFunction"))
class OutboxPublisherIT {
  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  @BeforeEach
  void throughTheMockEventServer() {
    RestAssured.port = PackagedFunctionResource.mockEventServerPort();
  }

  @Test
  void theSampleStreamBatchPublishesItsEvent() {
    String batch =
        SampleEvents.read("outbox-publisher/outbox-records.json", Map.of("tnt_sample", tenant));

    JsonPath answer =
        given().body(batch).when().post("/_lambda_").then().statusCode(200).extract().jsonPath();

    assertThat(answer.getList("batchItemFailures")).isEmpty();
    List<JsonNode> events = EventsQueue.take(tenant);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).toString())
        .isEqualTo(
            "{\"id\":\"evt_sample_customer_created\",\"type\":\"customer.created\","
                + "\"created_at\":\"2026-12-04T10:00:00Z\",\"tenant_id\":\""
                + tenant
                + "\","
                + "\"data\":{\"customer_id\":\"cus_sample\",\"name\":\"Acme Corp\"}}");
  }
}
