package sh.kaiten.outbox;

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
import sh.kaiten.testing.QueueMessages;
import sh.kaiten.testing.SampleEvents;

/**
 * The handler driven with DynamoDB stream events as Lambda delivers them (raw invocations of the
 * mock event server).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "OutboxPublisherFunction"))
class OutboxHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "outbox-publisher/outbox-records.json";

  @Inject FailingWrites failing;

  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  @AfterEach
  void disarm() {
    failing.disarm();
  }

  @Test
  void theSampleBatchPublishesItsEventWithItsStoredIdAndPassesOverTheExpiry() throws Exception {
    JsonNode response = invoke(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));

    assertThat(response.get("batchItemFailures")).isEmpty();
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

  @Test
  void anEventThatCannotBePublishedIsHandedOverAgainAndThenPublishedOnceWithItsId()
      throws Exception {
    String batch = SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant));
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("EventsQueue"));

    JsonNode first = invoke(batch);

    assertThat(first.get("batchItemFailures")).hasSize(1);
    assertThat(first.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo("111000000000000000000001");
    assertThat(EventsQueue.take(tenant)).isEmpty();

    // Lambda hands the stream over again from the failed record.
    JsonNode again = invoke(batch);

    assertThat(again.get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant))
        .extracting(event -> event.get("id").asText())
        .containsExactly("evt_sample_customer_created");
  }

  @Test
  void aRecordThatIsNotAnEventStopsTheBatchThereAndWhatCameBeforeGoesOutOnce() throws Exception {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ArrayNode records = (ArrayNode) event.get("Records");
    ObjectNode poison = records.get(0).deepCopy();
    ((ObjectNode) poison.get("dynamodb")).put("SequenceNumber", "111000000000000000000003");
    ((ObjectNode) poison.get("dynamodb").get("NewImage").get("message")).put("S", "not json");
    ObjectNode after = records.get(0).deepCopy();
    ((ObjectNode) after.get("dynamodb")).put("SequenceNumber", "111000000000000000000004");
    ((ObjectNode) after.get("dynamodb").get("NewImage").get("message"))
        .put(
            "S",
            records
                .get(0)
                .get("dynamodb")
                .get("NewImage")
                .get("message")
                .get("S")
                .asText()
                .replace("evt_sample_customer_created", "evt_after"));
    records.add(poison);
    records.add(after);

    JsonNode response = invoke(event.toString());

    assertThat(response.get("batchItemFailures")).hasSize(1);
    assertThat(response.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo("111000000000000000000003");
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly("evt_sample_customer_created");
  }

  /**
   * A test event's or a redelivery's round: its ticket goes onto the deliveries queue, in stream
   * order.
   */
  @Test
  void aDeliveryRoundsTicketGoesOntoTheDeliveriesQueueAndTheEventsOntoTheEventsQueue()
      throws Exception {
    String event =
        sampleWith(
            "111000000000000000000003",
            "DELIVERY#dlv_sample#1",
            "webhook.delivery",
            "deliveries",
            "{\"tenant_id\":\""
                + tenant
                + "\",\"endpoint_id\":\"wh_sample\","
                + "\"delivery_id\":\"dlv_sample\",\"generation\":1}");

    JsonNode response = invoke(event);

    assertThat(response.get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly("evt_sample_customer_created");
    assertThat(QueueMessages.take("DeliveriesQueue", tenant))
        .containsExactly(
            "{\"tenant_id\":\""
                + tenant
                + "\",\"endpoint_id\":\"wh_sample\","
                + "\"delivery_id\":\"dlv_sample\",\"generation\":1}");
  }

  /**
   * What a usage write counted goes onto the billing queue as stored, in stream order with the
   * events around it.
   */
  @Test
  void whatAUsageWriteCountedGoesOntoTheBillingQueueAsStored() throws Exception {
    String message =
        "{\"id\":\"aud_sample\",\"tenant_id\":\""
            + tenant
            + "\",\"instance_id\":\"acme-prod\",\"reports\":[{\"report_id\":\"aud_sample/0\","
            + "\"entitlement\":\"api-calls\",\"value\":\"2.5\","
            + "\"reported_at\":\"2026-11-26T10:00:00Z\"}]}";
    JsonNode response =
        invoke(
            sampleWith(
                "111000000000000000000004",
                "USAGE#aud_sample",
                "usage.counted",
                "billing",
                message));

    assertThat(response.get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly("evt_sample_customer_created");
    assertThat(QueueMessages.take("BillingQueue", tenant)).containsExactly(message);
  }

  /**
   * A period's close goes onto the events queue as every event does, and asks billing-sync to flush
   * the period's reports to Stripe: a flush job on the billing queue.
   */
  @Test
  void aPeriodsCloseIsAnnouncedAndItsFlushGoesOntoTheBillingQueue() throws Exception {
    String closed =
        "{\"id\":\"evt_sample_closed\",\"type\":\"usage.period_closed\","
            + "\"created_at\":\"2026-12-02T00:01:00Z\",\"tenant_id\":\""
            + tenant
            + "\",\"data\":{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
            + "\"aggregation\":\"SUM\",\"period_start\":\"2026-11-01T00:00:00Z\","
            + "\"period_end\":\"2026-12-01T00:00:00Z\",\"usage\":42.5,\"reports\":3,"
            + "\"limit\":null}}";
    JsonNode response =
        invoke(
            sampleWith(
                "111000000000000000000005",
                "EVENT#evt_sample_closed",
                "usage.period_closed",
                "events",
                closed));

    assertThat(response.get("batchItemFailures")).isEmpty();
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly("evt_sample_customer_created", "evt_sample_closed");
    assertThat(QueueMessages.take("BillingQueue", tenant))
        .containsExactly(
            "{\"tenant_id\":\""
                + tenant
                + "\",\"job\":\"period_flush\",\"holder\":\"instance:acme-prod\","
                + "\"entitlement\":\"api-calls\",\"period_start\":\"2026-11-01T00:00:00Z\","
                + "\"period_end\":\"2026-12-01T00:00:00Z\",\"usage\":\"42.5\","
                + "\"closed_at\":\"2026-12-02T00:01:00Z\",\"progress\":{\"pages\":0,"
                + "\"reports\":0,\"sent\":0,\"already_sent\":0}}");
  }

  /**
   * The sample batch with one more new item after it: an outbox item for {@code queue} holding
   * {@code message}.
   */
  private String sampleWith(
      String sequenceNumber, String pk, String type, String queue, String message)
      throws Exception {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SampleEvents.read(SAMPLE, Map.of("tnt_sample", tenant)));
    ArrayNode records = (ArrayNode) event.get("Records");
    ObjectNode added = records.get(0).deepCopy();
    ((ObjectNode) added.get("dynamodb")).put("SequenceNumber", sequenceNumber);
    ObjectNode image = (ObjectNode) added.get("dynamodb").get("NewImage");
    image.remove("event_id");
    image.set("pk", JSON.createObjectNode().put("S", pk));
    image.set("type", JSON.createObjectNode().put("S", type));
    image.set("queue", JSON.createObjectNode().put("S", queue));
    image.set("message", JSON.createObjectNode().put("S", message));
    records.add(added);
    return event.toString();
  }

  private static JsonNode invoke(String event) throws Exception {
    return JSON.readTree(
        given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString());
  }
}
