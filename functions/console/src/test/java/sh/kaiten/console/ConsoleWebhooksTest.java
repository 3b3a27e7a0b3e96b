package sh.kaiten.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * The webhooks page: endpoints, their deliveries with status, redeliver through the API's use case.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleWebhooksTest {
  @Inject Auditing auditing;

  private final WebhookStore store = DeploymentStores.of("ConsoleFunction").webhooks();
  private ProductPage tenant;
  private String tenantId;
  private ConsoleClient console;
  private String csrf;
  private WebhookEndpoint endpoint;

  @BeforeEach
  void endpointWithDeliveries() {
    tenant = DeploymentStores.of("ConsoleFunction").productPage();
    tenantId = tenant.adminToken().tenantId();
    Instant now = Instant.now();
    endpoint =
        new WebhookEndpoint(
            Ids.newId(WebhookEndpoint.ID_PREFIX, now),
            "http://127.0.0.1:9/hooks",
            "CRM sync",
            List.of("*"),
            "whsec_" + "A".repeat(43),
            null,
            null,
            now,
            now);
    store.createEndpoint(tenantId, endpoint, ChangeRecords.NONE);
    console = ConsoleClient.signIn(tenant.adminSecret());
    csrf = console.csrf();
  }

  /** A delivery of a new test event, stored pending, or failed after one attempt. */
  private Delivery delivery(boolean failed) {
    Instant now = Instant.now();
    Event event =
        new Event(
            Ids.newId(Event.ID_PREFIX, now),
            tenantId,
            EventType.WEBHOOK_TEST,
            now,
            JsonNodeFactory.instance.objectNode());
    Delivery delivery =
        store.createDelivery(tenantId, Delivery.of(event, endpoint.id(), now)).delivery();
    if (failed) {
      store.recordAttempt(
          tenantId,
          new DeliveryTicket(tenantId, endpoint.id(), delivery.id(), 0),
          new AttemptResult(null, 3, "connection refused"),
          DeliveryStatus.FAILED,
          now);
    }
    return delivery;
  }

  private Response page(String path) {
    return console.get(path);
  }

  private Response redeliver(Delivery delivery, Map<String, String> fields) {
    return console.post(
        "/console/webhooks/" + endpoint.id() + "/deliveries/" + delivery.id() + "/redeliver",
        fields);
  }

  @Test
  void aFailedDeliveryIsShownAndRedeliveredThroughTheApisUseCaseAndAudited() {
    Delivery failed = delivery(true);
    assertThat(page("/console/webhooks").asString())
        .contains("<a href=\"/console/webhooks/" + endpoint.id() + "\">" + endpoint.id() + "</a>")
        .contains("<code>http://127.0.0.1:9/hooks</code>");
    String log = page("/console/webhooks/" + endpoint.id()).asString();
    assertThat(log)
        .contains("data-delivery=\"" + failed.id() + "\" data-status=\"FAILED\"")
        .contains(
            "<td class=\"status status-FAILED\">FAILED</td><td>1</td><td>—</td><td>connection refused</td>")
        .contains("aria-label=\"Redeliver " + failed.id() + "\"");

    Response answer = redeliver(failed, Map.of("csrf", csrf));

    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.header("Location"))
        .endsWith("/console/webhooks/" + endpoint.id() + "?redelivered=" + failed.id());
    Delivery again = store.findDelivery(tenantId, endpoint.id(), failed.id()).orElseThrow();
    assertThat(again.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(again.generation()).isEqualTo(1);
    assertThat(
            page("/console/webhooks/" + endpoint.id() + "?redelivered=" + failed.id()).asString())
        .contains("id=\"redelivered\"")
        .contains("data-delivery=\"" + failed.id() + "\" data-status=\"PENDING\"")
        .contains("being tried");
    List<AuditRecord> records =
        auditing
            .page(
                tenant.adminToken(),
                new AuditFilter(null, null, "webhook.redelivered", null, null),
                new PageRequest(null, 10))
            .items();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).actor()).isEqualTo(tenant.adminToken().id());
    assertThat(records.get(0).result())
        .isEqualTo("{\"status\":303,\"id\":\"" + failed.id() + "\"}");
  }

  @Test
  void aPendingDeliveryIsAConflictAndARedeliveryWithoutTheCsrfTokenIsRefused() {
    Delivery pending = delivery(false);
    Response conflict = redeliver(pending, Map.of("csrf", csrf));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.asString()).contains("is still pending");

    Delivery failed = delivery(true);
    assertThat(redeliver(failed, Map.of()).statusCode()).isEqualTo(403);
    assertThat(store.findDelivery(tenantId, endpoint.id(), failed.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.FAILED);
  }

  @Test
  void anotherTenantsEndpointIs404() {
    ProductPage other = DeploymentStores.of("ConsoleFunction").productPage();
    ConsoleClient otherConsole = ConsoleClient.signIn(other.adminSecret());
    Response foreign = otherConsole.get("/console/webhooks/" + endpoint.id());
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(otherConsole.get("/console/webhooks").asString()).doesNotContain(endpoint.id());
  }
}
