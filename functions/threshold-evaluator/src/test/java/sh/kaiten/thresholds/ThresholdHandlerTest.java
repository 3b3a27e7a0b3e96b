package sh.kaiten.thresholds;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.SampleEvents;

/** The handler driven with SQS events as Lambda delivers them (raw invocations of the mock event server). */
@QuarkusTest
@QuarkusTestResource(value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ThresholdEvaluatorFunction"))
class ThresholdHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "threshold-evaluator/threshold-signals.json";

  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  @Test
  void theSampleBatchFiresOneEventPerCrossingOntoTheEventsQueue() throws Exception {
    JsonNode response = invoke(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));

    assertThat(response.get("batchItemFailures")).isEmpty();
    List<JsonNode> events = EventsQueue.take(tenant);
    assertThat(events).extracting(e -> e.get("type").asText())
        .containsExactlyInAnyOrder("usage.threshold_reached", "usage.limit_reached");
    JsonNode threshold = events.stream().filter(e -> e.get("type").asText().equals("usage.threshold_reached"))
        .findFirst().orElseThrow();
    assertThat(threshold.get("id").asText()).startsWith("evt_");
    assertThat(threshold.get("data").toString()).isEqualTo("{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
        + "\"period\":\"2026-11-01T00:00:00Z\",\"threshold_percent\":80,\"limit\":100000,\"current_usage\":80010}");
    JsonNode limit = events.stream().filter(e -> e.get("type").asText().equals("usage.limit_reached"))
        .findFirst().orElseThrow();
    assertThat(limit.get("data").get("license_id").asText()).isEqualTo("lic_sample");
  }

  @Test
  void aMalformedMessageFailsAloneAndARedeliveredBatchFiresNothingAgain() throws Exception {
    ObjectNode event = (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ArrayNode records = (ArrayNode) event.get("Records");
    ObjectNode poison = records.get(0).deepCopy();
    poison.put("messageId", "poison-" + tenant);
    poison.put("body", "{\"tenant_id\":\"" + tenant + "\",\"entitlement\":\"api-calls\"}");
    records.insert(1, poison);

    JsonNode first = invoke(event.toString());
    assertThat(first.get("batchItemFailures")).hasSize(1);
    assertThat(first.get("batchItemFailures").get(0).get("itemIdentifier").asText()).isEqualTo("poison-" + tenant);
    assertThat(EventsQueue.take(tenant)).hasSize(2);

    JsonNode again = invoke(event.toString());
    assertThat(again.get("batchItemFailures")).hasSize(1);
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  @Test
  void aMessageThatIsNotJsonFailsAlone() throws Exception {
    ObjectNode event = (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ((ObjectNode) event.get("Records").get(1)).put("body", "not json");

    JsonNode response = invoke(event.toString());

    assertThat(response.get("batchItemFailures")).hasSize(1);
    assertThat(response.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo(event.get("Records").get(1).get("messageId").asText());
    assertThat(EventsQueue.take(tenant)).extracting(e -> e.get("type").asText()).containsExactly("usage.threshold_reached");
  }

  private static JsonNode invoke(String event) throws Exception {
    return JSON.readTree(given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString());
  }
}
