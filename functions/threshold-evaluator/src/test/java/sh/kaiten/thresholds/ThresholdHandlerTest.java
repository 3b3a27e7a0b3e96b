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
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.FailingWrites;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import sh.kaiten.testing.SampleEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handler driven with SQS events as Lambda delivers them (raw invocations of the mock event
 * server).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ThresholdEvaluatorFunction"))
class ThresholdHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "threshold-evaluator/threshold-signals.json";

  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  @Inject FailingWrites failing;

  @AfterEach
  void disarm() {
    failing.disarm();
  }

  @Test
  void theSampleBatchFiresOneEventPerCrossingOntoTheEventsQueue() throws Exception {
    JsonNode response = invoke(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));

    assertThat(response.get("batchItemFailures")).isEmpty();
    List<JsonNode> events = EventsQueue.take(tenant);
    assertThat(events)
        .extracting(e -> e.get("type").asText())
        .containsExactlyInAnyOrder("usage.threshold_reached", "usage.limit_reached");
    JsonNode threshold =
        events.stream()
            .filter(e -> e.get("type").asText().equals("usage.threshold_reached"))
            .findFirst()
            .orElseThrow();
    assertThat(threshold.get("id").asText()).startsWith("evt_");
    assertThat(threshold.get("data").toString())
        .isEqualTo(
            "{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
                + "\"period\":\"2026-11-01T00:00:00Z\",\"threshold_percent\":80,\"limit\":100000,\"current_usage\":80010}");
    JsonNode limit =
        events.stream()
            .filter(e -> e.get("type").asText().equals("usage.limit_reached"))
            .findFirst()
            .orElseThrow();
    assertThat(limit.get("data").get("license_id").asText()).isEqualTo("lic_sample");
  }

  @Test
  void aMalformedMessageFailsAloneAndARedeliveredBatchFiresNothingAgain() throws Exception {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ArrayNode records = (ArrayNode) event.get("Records");
    ObjectNode poison = records.get(0).deepCopy();
    poison.put("messageId", "poison-" + tenant);
    poison.put("body", "{\"tenant_id\":\"" + tenant + "\",\"entitlement\":\"api-calls\"}");
    records.insert(1, poison);

    JsonNode first = invoke(event.toString());
    assertThat(first.get("batchItemFailures")).hasSize(1);
    assertThat(first.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo("poison-" + tenant);
    assertThat(EventsQueue.take(tenant)).hasSize(2);

    JsonNode again = invoke(event.toString());
    assertThat(again.get("batchItemFailures")).hasSize(1);
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  @Test
  void aMessageThatIsNotJsonFailsAlone() throws Exception {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ((ObjectNode) event.get("Records").get(1)).put("body", "not json");

    JsonNode response = invoke(event.toString());

    assertThat(response.get("batchItemFailures")).hasSize(1);
    assertThat(response.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo(event.get("Records").get(1).get("messageId").asText());
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("type").asText())
        .containsExactly("usage.threshold_reached");
  }

  /**
   * Issue 14: the evaluator published each event after writing its marker, so a crash or a queue
   * outage between the two held the event back. Now the marker and the event's outbox item are one
   * transaction: the signal is done while the events queue is down, and each event goes out once,
   * with the id its marker holds, when the queue is back.
   */
  @Test
  void aCrossingIsMarkedWithItsEventInTheOutboxAndGoesOutOnceWithThatIdWhenTheEventsQueueIsBack()
      throws Exception {
    String batch = SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant));
    OutboxStream.failNextSendOf(tenant);

    assertThat(invoke(batch).get("batchItemFailures")).isEmpty();
    String reached = markedEventId("api-calls#instance:acme-prod", "2026-11-01T00:00:00Z#80");
    String limit = markedEventId("seats#license:lic_sample", "lifetime#100");
    assertThat(outboxEventIds()).containsExactlyInAnyOrder(reached, limit);

    assertThat(OutboxStream.publish()).isFalse();
    List<JsonNode> published = EventsQueue.take(tenant);

    assertThat(published)
        .extracting(e -> e.get("id").asText())
        .containsExactlyInAnyOrder(reached, limit);
    assertThat(published)
        .extracting(e -> e.get("type").asText())
        .containsExactlyInAnyOrder("usage.threshold_reached", "usage.limit_reached");
    assertThat(invoke(batch).get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant)).isEmpty();
    assertThat(outboxEventIds()).containsExactlyInAnyOrder(reached, limit);
  }

  /**
   * A crossing whose outbox item cannot be written is not marked either: its redelivery fires it,
   * once.
   */
  @Test
  void aCrossingWhoseEventCannotBeWrittenIsNotMarkedAndItsRedeliveryFiresItOnce() throws Exception {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ((ArrayNode) event.get("Records")).remove(1);
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("OutboxTable"));

    JsonNode first = invoke(event.toString());

    assertThat(first.get("batchItemFailures")).hasSize(1);
    assertThat(first.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo(event.get("Records").get(0).get("messageId").asText());
    assertThat(marker("api-calls#instance:acme-prod", "2026-11-01T00:00:00Z#80")).isEmpty();
    assertThat(outboxEventIds()).isEmpty();
    assertThat(EventsQueue.take(tenant)).isEmpty();

    assertThat(invoke(event.toString()).get("batchItemFailures")).isEmpty();
    String reached = markedEventId("api-calls#instance:acme-prod", "2026-11-01T00:00:00Z#80");
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly(reached);
    assertThat(invoke(event.toString()).get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  /**
   * The crossing marker of this test's tenant: {@code counter} is entitlement#holder, {@code
   * crossing} period#alert.
   */
  private Map<String, AttributeValue> marker(String counter, String crossing) {
    var aws = LocalAwsResource.localAws();
    return aws.dynamo()
        .getItem(
            r ->
                r.tableName(aws.resources().ref("UsageTable"))
                    .consistentRead(true)
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("COUNTER#" + tenant + "#" + counter),
                            "sk",
                            AttributeValue.fromS("CROSSING#" + crossing))))
        .item();
  }

  private String markedEventId(String counter, String crossing) {
    Map<String, AttributeValue> marker = marker(counter, crossing);
    assertThat(marker).isNotEmpty();
    return marker.get("event_id").s();
  }

  /** The ids of the tenant's events in the Outbox table. */
  private List<String> outboxEventIds() {
    var aws = LocalAwsResource.localAws();
    return aws
        .dynamo()
        .scanPaginator(r -> r.tableName(aws.resources().ref("OutboxTable")))
        .items()
        .stream()
        .filter(item -> tenant.equals(item.get("tenant_id").s()))
        .map(item -> item.get("event_id").s())
        .toList();
  }

  private static JsonNode invoke(String event) throws Exception {
    return JSON.readTree(
        given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString());
  }
}
