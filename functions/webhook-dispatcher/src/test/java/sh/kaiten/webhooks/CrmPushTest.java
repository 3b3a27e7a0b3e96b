package sh.kaiten.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.CrmPushes;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;
import sh.kaiten.testing.WebhookReceiver;

/**
 * A usage event pushes its customer's usage properties to the tenant's CRM connector: signed as a
 * webhook (the receiver verifies every request with the Standard Webhooks library), retried when
 * the receiver fails, once per event however often the event comes, and with the figures the
 * entitlement answers give. Retries come at once here (retry delays of zero).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "WebhookDispatcherFunction"))
class CrmPushTest {
  private static final String SAMPLE_EVENT = "webhook-dispatcher/event.json";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Inject AdminStores catalog;
  @Inject CrmConnectors connectors;
  @Inject WebhookStore store;
  @Inject UsageCounters counters;
  @Inject InstanceReads reads;
  @Inject Definitions definitions;

  private WebhookReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aThresholdEventPushesTheCustomersFiguresSignedAndRetriedUntilTheReceiverTakesThem() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    CrmPushes.count(counters, tenant, ProductPage.INSTANCE, "api-calls", "80010");
    CrmPushes.count(counters, tenant, ProductPage.STAGING, "api-calls", "1200");
    String secret = WebhookSecrets.newSecret();
    receiver = WebhookReceiver.start().verifyingWith(secret).answering(n -> n <= 2 ? 500 : 204);
    Instant now = Instant.now();
    connectors.put(new CrmConnector(tenant, receiver.url(), secret, null, now, now));

    String event = SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant));
    assertThat(QueuePump.invoke(event).get("batchItemFailures")).isEmpty();
    pumpUntil(() -> receiver.delivered().size() == 1);
    // The same event again (a redelivery of the events queue) pushes nothing more.
    assertThat(QueuePump.invoke(event).get("batchItemFailures")).isEmpty();
    pumpUntil(() -> true);
    pumpUntil(() -> true);

    assertThat(receiver.unverified()).isEmpty();
    assertThat(receiver.arrivals())
        .extracting(WebhookReceiver.Arrival::answer)
        .containsExactly(500, 500, 204);
    List<Delivery> pushes =
        store.deliveries(tenant, CrmConnector.ENDPOINT_ID, PageRequest.of(null, 10)).items();
    assertThat(pushes).hasSize(1);
    Delivery push = pushes.get(0);
    assertThat(push.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(push.attempts()).isEqualTo(3);
    assertThat(push.eventId()).isEqualTo("evt_01kbsample0000000000000000");
    assertThat(receiver.arrivals())
        .allSatisfy(
            arrival -> {
              assertThat(arrival.webhookId()).isEqualTo(push.id());
              assertThat(arrival.body()).isEqualTo(push.payload());
            });

    JsonNode body = CrmPushes.parse(receiver.delivered().get(0).body());
    assertThat(body.path("id").asText()).isEqualTo(push.id());
    assertThat(body.path("type").asText()).isEqualTo("crm.usage_properties");
    JsonNode data = body.path("data");
    assertThat(data.path("trigger").asText()).isEqualTo("usage.threshold_reached");
    assertThat(data.path("customer").path("name").asText()).isEqualTo("Acme Corp");
    assertThat(data.path("customer").path("metadata").path("crm_id").asText()).isEqualTo("A-1");
    JsonNode properties = data.path("properties");
    assertThat(properties.path("kaiten_plan").asText()).isEqualTo("pro");
    assertThat(properties.path("kaiten_license_status").asText()).isEqualTo("ACTIVE");
    // The most used of the license's two instances: acme-prod.
    assertThat(properties.path("kaiten_api_calls_usage").decimalValue())
        .isEqualByComparingTo("80010");
    assertThat(properties.path("kaiten_api_calls_limit").decimalValue())
        .isEqualByComparingTo("100000");
    assertThat(properties.path("kaiten_api_calls_usage_percent").decimalValue())
        .isEqualByComparingTo("80.0");
    assertThat(properties.path("kaiten_api_calls_remaining").decimalValue())
        .isEqualByComparingTo("19990");
    assertThat(properties.path("kaiten_api_calls_status").asText()).isEqualTo("ACCEPTED");
    assertThat(CrmPushes.rows(body))
        .hasSize(2)
        .containsExactlyInAnyOrderElementsOf(
            CrmPushes.answers(page, catalog, definitions, reads, counters));
  }

  @Test
  void aTenantWithoutAConnectorOrAnEventThatIsNotAboutUsagePushesNothing() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();

    QueuePump.invoke(SampleEvents.read(SAMPLE_EVENT, Map.of("tnt_sample", tenant)));
    String secret = WebhookSecrets.newSecret();
    Instant now = Instant.now();
    connectors.put(new CrmConnector(tenant, "http://127.0.0.1:9/crm", secret, null, now, now));
    QueuePump.invoke(
        SampleEvents.read(
            SAMPLE_EVENT,
            Map.of("tnt_sample", tenant, "usage.threshold_reached", "license.created")));
    // No outbox read here: DynamoDB Local's stream, read before its first record, answers
    // TrimmedDataAccessException from then on (aws/aws-sdk-java#2923), for every test of the JVM.
    QueuePump.round();

    assertThat(store.deliveries(tenant, CrmConnector.ENDPOINT_ID, PageRequest.of(null, 10)).items())
        .isEmpty();
  }

  /**
   * Publishes the outbox and pumps the queues until {@code done}; fails after {@link #PATIENCE}.
   */
  private static void pumpUntil(BooleanSupplier done) {
    await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              OutboxStream.publish();
              QueuePump.round();
              return done.getAsBoolean();
            });
  }
}
