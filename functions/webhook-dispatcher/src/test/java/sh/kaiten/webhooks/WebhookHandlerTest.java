package sh.kaiten.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import sh.kaiten.testing.SampleEvents;
import sh.kaiten.testing.WebhookReceiver;

/**
 * The dispatcher end to end on the embedded queues and table: events fanned out, each delivery
 * POSTed to a real receiver that verifies every request with the Standard Webhooks library,
 * retried, dead-lettered and redelivered. Retries come at once here (retry delays of zero, see
 * application.properties).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "WebhookDispatcherFunction"))
class WebhookHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE_EVENT = "webhook-dispatcher/event.json";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String DELIVERIES_QUEUE =
      "arn:aws:sqs:us-east-1:000000000000:DeliveriesQueue";
  private static final String EVENTS_QUEUE = "arn:aws:sqs:us-east-1:000000000000:EventsQueue";

  @Inject WebhookStore store;
  @Inject SqsDeliveryQueue queue;
  @Inject WebhookUrlPolicy urls;
  @Inject KaitenConfig config;
  @Inject AuditLog audit;

  private final String tenant = "tnt_" + UUID.randomUUID().toString().replace("-", "");
  private final List<WebhookReceiver> receivers = new ArrayList<>();

  @AfterEach
  void stopReceivers() {
    receivers.forEach(WebhookReceiver::close);
  }

  @Test
  void theSampleEventReachesEachSubscribedEndpointOnceSignedAndIntact() {
    WebhookReceiver all = receiver();
    WebhookReceiver thresholds = receiver();
    WebhookReceiver licenses = receiver();
    WebhookEndpoint toAll = endpoint(all, List.of("*"));
    WebhookEndpoint toThresholds =
        endpoint(thresholds, List.of("usage.threshold_reached", "usage.limit_reached"));
    endpoint(licenses, List.of("license.created"));

    JsonNode answer =
        QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    assertThat(answer.get("batchItemFailures")).isEmpty();
    pumpUntil(() -> all.delivered().size() == 1 && thresholds.delivered().size() == 1);
    QueuePump.round();

    String expectedBody =
        "{\"id\":\"evt_01kbsample0000000000000000\",\"type\":\"usage.threshold_reached\","
            + "\"created_at\":\"2026-11-26T10:00:00Z\",\"data\":{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
            + "\"period\":\"2026-11-01T00:00:00Z\",\"threshold_percent\":80,\"limit\":100000,\"current_usage\":80010}}";
    for (var pair : List.of(Map.entry(all, toAll), Map.entry(thresholds, toThresholds))) {
      WebhookReceiver.Arrival arrival = pair.getKey().arrivals().get(0);
      assertThat(pair.getKey().arrivals()).hasSize(1);
      assertThat(arrival.body()).isEqualTo(expectedBody);
      Delivery delivery = onlyDelivery(pair.getValue());
      assertThat(arrival.webhookId()).isEqualTo(delivery.id());
      assertThat(arrival.signatureValues()).isEqualTo(1);
      assertThat(arrival.signature()).matches("v1,[A-Za-z0-9+/]{43}=");
      assertThat(delivery.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
      assertThat(delivery.attempts()).isEqualTo(1);
      assertThat(delivery.lastResponseCode()).isEqualTo(204);
      assertThat(delivery.eventId()).isEqualTo("evt_01kbsample0000000000000000");
      assertThat(delivery.eventType()).isEqualTo("usage.threshold_reached");
    }
    assertThat(licenses.arrivals()).isEmpty();
    assertThat(all.unverified()).isEmpty();
    assertThat(thresholds.unverified()).isEmpty();
  }

  @Test
  void aReceiverThatFailsItsFirstThreeAttemptsGetsTheEventOnceOnTheFourth() {
    WebhookReceiver flaky = receiver().answering(n -> n <= 3 ? 500 : 200);
    WebhookEndpoint endpoint = endpoint(flaky, List.of("*"));

    QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    pumpUntil(() -> flaky.delivered().size() == 1);
    QueuePump.round();
    QueuePump.round();

    Delivery delivery = onlyDelivery(endpoint);
    assertThat(flaky.arrivals())
        .extracting(WebhookReceiver.Arrival::answer)
        .containsExactly(500, 500, 500, 200);
    assertThat(flaky.arrivals())
        .extracting(WebhookReceiver.Arrival::webhookId)
        .containsOnly(delivery.id());
    assertThat(flaky.delivered()).hasSize(1);
    assertThat(delivery.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(delivery.attempts()).isEqualTo(4);
    assertThat(delivery.lastResponseCode()).isEqualTo(200);
    assertThat(delivery.lastError()).isNull();
    assertThat(flaky.unverified()).isEmpty();

    // each attempt is in the audit trail, oldest last
    List<AuditRecord> attempts =
        audit
            .page(
                tenant,
                new AuditFilter(null, null, "webhook.delivery_attempted", null, null),
                PageRequest.of(null, 50))
            .items();
    assertThat(attempts).extracting(AuditRecord::actor).containsOnly("system:webhook-dispatcher");
    assertThat(attempts).extracting(AuditRecord::intact).containsOnly(true);
    assertThat(attempts)
        .extracting(r -> r.result().replaceAll(".*\"response_code\":(\\d+).*", "$1"))
        .containsExactly("200", "500", "500", "500");
    assertThat(attempts)
        .extracting(r -> r.request().replaceAll(".*\"attempt\":(\\d+).*", "$1"))
        .containsExactly("4", "3", "2", "1");
    assertThat(attempts)
        .allMatch(r -> r.request().contains("\"delivery_id\":\"" + delivery.id() + "\""));
  }

  @Test
  void aReceiverThatAlwaysFailsEndsInTheDeadLetterQueueAndARedeliveryAfterItRecoversArrivesOnce() {
    WebhookReceiver down = receiver().answering(n -> 500);
    WebhookEndpoint endpoint = endpoint(down, List.of("usage.threshold_reached"));

    QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    pumpUntil(() -> onlyDelivery(endpoint).status() == DeliveryStatus.FAILED);
    List<JsonNode> deadLetters = new ArrayList<>();
    pumpUntil(
        () -> {
          QueuePump.take("DeliveriesDeadLetterQueue").stream()
              .filter(body -> body.path("tenant_id").asText().equals(tenant))
              .forEach(deadLetters::add);
          return !deadLetters.isEmpty();
        });

    Delivery failed = onlyDelivery(endpoint);
    assertThat(down.arrivals()).hasSize(5);
    assertThat(failed.attempts()).isEqualTo(5);
    assertThat(failed.lastResponseCode()).isEqualTo(500);
    assertThat(failed.lastError()).isEqualTo("answered 500");
    assertThat(deadLetters).hasSize(1);
    assertThat(deadLetters.get(0).path("delivery_id").asText()).isEqualTo(failed.id());

    down.answering(n -> 200);
    // The redelivery is made while the deliveries queue is down: its round is stored with its
    // ticket in
    // the outbox, which goes out once the queue is back.
    OutboxStream.failNextSendOf(tenant);
    Delivery restarted = admin().redeliver(adminToken(), endpoint.id(), failed.id());
    assertThat(restarted.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(OutboxStream.publish()).isFalse();
    assertThat(OutboxStream.publish()).isTrue();
    pumpUntil(() -> down.delivered().size() == 1);
    QueuePump.round();
    QueuePump.round();

    Delivery delivered = onlyDelivery(endpoint);
    assertThat(down.arrivals()).hasSize(6);
    assertThat(down.delivered()).hasSize(1);
    assertThat(down.arrivals())
        .extracting(WebhookReceiver.Arrival::webhookId)
        .containsOnly(failed.id());
    assertThat(delivered.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(delivered.attempts()).isEqualTo(6);
    assertThat(delivered.lastResponseCode()).isEqualTo(200);
    assertThat(down.unverified()).isEmpty();
  }

  @Test
  void aFailingEndpointNeitherDelaysNorDuplicatesAHealthyOnesDelivery() {
    WebhookReceiver failing = receiver().answering(n -> 503);
    WebhookReceiver healthy = receiver();
    WebhookEndpoint failingEndpoint = endpoint(failing, List.of("*"));
    WebhookEndpoint healthyEndpoint = endpoint(healthy, List.of("*"));

    QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    pumpUntil(() -> healthy.delivered().size() == 1);
    int failingAttemptsMeanwhile = failing.arrivals().size();
    pumpUntil(() -> onlyDelivery(failingEndpoint).status() == DeliveryStatus.FAILED);
    QueuePump.round();

    assertThat(failingAttemptsMeanwhile).isLessThan(5);
    assertThat(healthy.arrivals()).hasSize(1);
    assertThat(onlyDelivery(healthyEndpoint).attempts()).isEqualTo(1);
    assertThat(failing.arrivals()).hasSize(5);
    assertThat(healthy.unverified()).isEmpty();
    assertThat(failing.unverified()).isEmpty();
  }

  @Test
  void anEventDeliveredTwiceToTheDispatcherMakesOneDeliveryPerEndpoint() {
    WebhookReceiver first = receiver();
    WebhookReceiver second = receiver();
    WebhookEndpoint one = endpoint(first, List.of("*"));
    WebhookEndpoint two = endpoint(second, List.of("usage.threshold_reached"));
    String event = SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant));

    assertThat(QueuePump.invoke(event).get("batchItemFailures")).isEmpty();
    assertThat(QueuePump.invoke(event).get("batchItemFailures")).isEmpty();
    pumpUntil(() -> first.delivered().size() == 1 && second.delivered().size() == 1);
    QueuePump.invoke(event);
    QueuePump.round();
    QueuePump.round();

    assertThat(first.arrivals()).hasSize(1);
    assertThat(second.arrivals()).hasSize(1);
    assertThat(store.deliveries(tenant, one.id(), PageRequest.of(null, 10)).items()).hasSize(1);
    assertThat(store.deliveries(tenant, two.id(), PageRequest.of(null, 10)).items()).hasSize(1);
  }

  @Test
  void duringARotationsGraceEveryDeliveryCarriesBothSignaturesInOneHeader() {
    String oldSecret = WebhookSecrets.newSecret();
    String newSecret = WebhookSecrets.newSecret();
    WebhookReceiver receiver = receiver().verifyingWith(oldSecret, newSecret);
    Instant now = Instant.now();
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            "wh_" + UUID.randomUUID().toString().replace("-", ""),
            receiver.url(),
            null,
            List.of("*"),
            newSecret,
            oldSecret,
            now.plus(Duration.ofHours(1)),
            now,
            now);
    store.createEndpoint(tenant, endpoint, sh.kaiten.domain.outbox.ChangeRecords.NONE);

    QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    pumpUntil(() -> receiver.delivered().size() == 1);

    WebhookReceiver.Arrival arrival = receiver.arrivals().get(0);
    assertThat(arrival.signatureValues()).isEqualTo(1);
    assertThat(arrival.signature()).matches("v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=");
    assertThat(receiver.unverified()).isEmpty();
  }

  @Test
  void theSampleDeliveryOfAnUnknownDeliveryIsDoneWithoutARequestAndABadMessageFailsAlone()
      throws Exception {
    ObjectNode batch = sampleDeliveryBatch();
    addRecord(
        batch,
        "bad-" + tenant,
        "{\"tenant_id\":\"" + tenant + "\",\"delivery_id\":\"dlv_x\"}",
        DELIVERIES_QUEUE);
    addRecord(
        batch,
        "unknown-" + tenant,
        "{\"id\":\"evt_1\",\"type\":\"no.such\",\"created_at\":\"2026-11-26T10:00:00Z\","
            + "\"tenant_id\":\""
            + tenant
            + "\",\"data\":{}}",
        EVENTS_QUEUE);

    JsonNode answer = QueuePump.invoke(batch.toString());

    assertThat(answer.get("batchItemFailures"))
        .extracting(f -> f.get("itemIdentifier").asText())
        .containsExactlyInAnyOrder("bad-" + tenant, "unknown-" + tenant);
  }

  @Test
  void theQueueARecordCameFromDecidesWhatItIsNotItsBody() throws Exception {
    ObjectNode batch = sampleDeliveryBatch();
    addRecord(
        batch,
        "ticket-from-events-" + tenant,
        batch.get("Records").get(0).get("body").asText(),
        EVENTS_QUEUE);

    JsonNode answer = QueuePump.invoke(batch.toString());

    // The same ticket body: done (an unknown delivery) from the deliveries queue, not an event from
    // the events queue.
    assertThat(answer.get("batchItemFailures"))
        .extracting(f -> f.get("itemIdentifier").asText())
        .containsExactly("ticket-from-events-" + tenant);
  }

  private ObjectNode sampleDeliveryBatch() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            SampleEvents.read("webhook-dispatcher/delivery.json", Map.of("tnt_sample", tenant)));
  }

  /**
   * Adds a copy of the batch's first record with another id, body and queue ({@code
   * eventSourceARN}).
   */
  private static void addRecord(ObjectNode batch, String messageId, String body, String queueArn) {
    ObjectNode record = batch.get("Records").get(0).deepCopy();
    record.put("messageId", messageId);
    record.put("body", body);
    record.put("eventSourceARN", queueArn);
    ((ArrayNode) batch.get("Records")).add(record);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDeliveriesQueueMovesADeliveryToItsDeadLetterQueueAfterExactlyTheLastAttempt() {
    Map<String, Object> queue =
        (Map<String, Object>)
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")))
                .resources()
                .get("DeliveriesQueue")
                .get("Properties");
    Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");

    assertThat(Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount"))))
        .isEqualTo(config.webhooks().retryDelays().size() + 1);
  }

  /** Pumps the queues through the handler until {@code done}; fails after {@link #PATIENCE}. */
  private static void pumpUntil(BooleanSupplier done) {
    await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              QueuePump.round();
              return done.getAsBoolean();
            });
  }

  private WebhookReceiver receiver() {
    WebhookReceiver receiver = WebhookReceiver.start();
    receivers.add(receiver);
    return receiver;
  }

  /** An endpoint of this test's tenant at the receiver, which verifies with its secret. */
  private WebhookEndpoint endpoint(WebhookReceiver receiver, List<String> eventTypes) {
    Instant now = Instant.now();
    String secret = WebhookSecrets.newSecret();
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            "wh_" + UUID.randomUUID().toString().replace("-", ""),
            receiver.url(),
            "test receiver",
            eventTypes,
            secret,
            null,
            null,
            now,
            now);
    store.createEndpoint(tenant, endpoint, sh.kaiten.domain.outbox.ChangeRecords.NONE);
    receiver.verifyingWith(secret);
    return endpoint;
  }

  private Delivery onlyDelivery(WebhookEndpoint endpoint) {
    List<Delivery> deliveries =
        store.deliveries(tenant, endpoint.id(), PageRequest.of(null, 10)).items();
    assertThat(deliveries).hasSize(1);
    return deliveries.get(0);
  }

  /** The admin use case, as admin-api runs it, for redeliveries. */
  private Webhooks admin() {
    return new Webhooks(
        store,
        urls,
        sh.kaiten.domain.outbox.ChangeJournal.SILENT,
        Clock.systemUTC(),
        Duration.ofHours(24));
  }

  private ApiToken adminToken() {
    return new ApiToken("tok_test", tenant, TokenScope.ADMIN, null, null, Instant.now());
  }
}
