package sh.kaiten.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.LocalAwsResource;

/**
 * The connectors' status pages through admin-api: the Stripe connector's from billing-sync's
 * tallies, the CRM connector's from its latest pushes, each with its dead-letter queue's depth as
 * SQS counts it; a tenant without the connector, and another tenant, get 404.
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class ConnectorStatusApiTest {
  private static final String STRIPE = "/api/connectors/stripe/status";
  private static final String CRM = "/api/connectors/crm/status";

  @Inject StripeActivity activity;
  @Inject WebhookStore deliveries;

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    var created = ConnectorCalls.newTenant("Vendor");
    admin = created.path("admin_token.token");
    tenant = created.path("id");
  }

  private static ValidatableResponse call(String method, String token, String path, String body) {
    return ConnectorCalls.call(method, token, path, body);
  }

  /** Puts {@code count} messages on a queue of the template, as SQS would move them there. */
  private static void deadLetters(String queue, int count) {
    var aws = LocalAwsResource.localAws();
    String url = aws.resources().ref(queue);
    for (int i = 0; i < count; i++) {
      aws.sqs().sendMessage(r -> r.queueUrl(url).messageBody("{\"dead\":true}"));
    }
  }

  @Test
  void theStripeStatusSaysWhatBillingSyncSentItsLagItsErrorsAndTheQueuesDepths() {
    call(404, admin, STRIPE);
    call(
            "POST",
            admin,
            "/api/entitlements",
            "{\"slug\":\"api-calls\",\"name\":\"A\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
    call(
            "PUT",
            admin,
            "/api/connectors/stripe",
            "{\"api_key\":\"rk_test_"
                + tenant.substring(tenant.length() - 12)
                + "\",\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"}}}")
        .statusCode(201);
    int deadBefore =
        call(200, admin, STRIPE)
            .body("type", equalTo("stripe"))
            .body("last_sent_at", nullValue())
            .body("sent", equalTo(0))
            .body("lag_seconds", nullValue())
            .body("errors", equalTo(0))
            .body("last_error", nullValue())
            .extract()
            .path("billing_dead_letter_queue_depth");

    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    activity.sent(tenant, 3, t0, t0.plusSeconds(2));
    activity.failed(tenant, "Stripe unavailable: 503", t0.plusMillis(7500), t0.plusSeconds(9));
    deadLetters("BillingDeadLetterQueue", 2);

    call(200, admin, STRIPE)
        .body("last_sent_at", equalTo(t0.plusSeconds(2).toString()))
        .body("sent", equalTo(3))
        .body("last_report_sent_at", equalTo(t0.toString()))
        .body("last_report_seen_at", equalTo(t0.plusMillis(7500).toString()))
        .body("lag_seconds", equalTo(7.5f))
        .body("errors", equalTo(1))
        .body("last_error", equalTo("Stripe unavailable: 503"))
        .body("last_error_at", equalTo(t0.plusSeconds(9).toString()))
        .body("billing_dead_letter_queue_depth", equalTo(deadBefore + 2));

    String other = ConnectorCalls.newTenant("Other").path("admin_token.token");
    call(404, other, STRIPE);
  }

  @Test
  void theCrmStatusSaysWhenAPushLastArrivedWhatWaitsWhatFailedAndTheDeadLetterDepth() {
    call(404, admin, CRM);
    call("PUT", admin, "/api/connectors/crm", "{\"url\":\"https://203.0.113.10/crm\"}")
        .statusCode(201);
    int deadBefore =
        call(200, admin, CRM)
            .body("type", equalTo("crm"))
            .body("pushes", equalTo(0))
            .body("last_sent_at", nullValue())
            .body("pending", equalTo(0))
            .body("lag_seconds", equalTo(0.0f))
            .extract()
            .path("deliveries_dead_letter_queue_depth");

    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    push("a", DeliveryStatus.SUCCEEDED, null, now.minusSeconds(300), now.minusSeconds(290));
    push("b", DeliveryStatus.FAILED, "HTTP 500", now.minusSeconds(200), now.minusSeconds(100));
    push("c", DeliveryStatus.PENDING, null, now.minusSeconds(60), now.minusSeconds(60));
    deadLetters("DeliveriesDeadLetterQueue", 1);

    float lag =
        call(200, admin, CRM)
            .body("pushes", equalTo(3))
            .body("last_sent_at", equalTo(now.minusSeconds(290).toString()))
            .body("pending", equalTo(1))
            .body("failed", equalTo(1))
            .body("last_error", equalTo("HTTP 500"))
            .body("last_error_at", equalTo(now.minusSeconds(100).toString()))
            .body("deliveries_dead_letter_queue_depth", equalTo(deadBefore + 1))
            .extract()
            .path("lag_seconds");
    // The oldest pending push was stored 60 s before the first read: its wait since.
    assertThat(lag).isBetween(60f, 600f);

    String other = ConnectorCalls.newTenant("Other").path("admin_token.token");
    call(404, other, CRM);
  }

  private ValidatableResponse call(int status, String token, String path) {
    return call("GET", token, path, null).statusCode(status);
  }

  /** A push stored pending, then given its attempt's outcome as the dispatcher records it. */
  private void push(
      String name, DeliveryStatus status, String error, Instant createdAt, Instant updatedAt) {
    Delivery delivery =
        new Delivery(
            Delivery.ID_PREFIX + "_" + createdAt.toEpochMilli() + name,
            CrmConnector.ENDPOINT_ID,
            "daily#" + name,
            "crm.usage_properties",
            "{}",
            DeliveryStatus.PENDING,
            0,
            null,
            null,
            null,
            0,
            true,
            createdAt,
            createdAt);
    deliveries.createDelivery(tenant, delivery);
    if (status != DeliveryStatus.PENDING) {
      deliveries.recordAttempt(
          tenant,
          delivery.ticket(tenant),
          new AttemptResult(status == DeliveryStatus.SUCCEEDED ? 204 : 500, 10, error),
          status,
          updatedAt);
    }
  }
}
