package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sh.kaiten.local.aws.StripeStandIn;

/**
 * Issue 19's reconciliation end to end on kaiten-local: usage reported through the API reaches the
 * Stripe stand-in by live sync; a reconciliation of its window asked for through the API
 * (billing-sync reads the audit trail and Stripe's meter event summaries with stripe-java) finds no
 * difference. Then Stripe loses one customer's event and gains one for another: the next
 * reconciliation finds both differences, shows them in the connector's status, and delivers a
 * {@code billing.reconciliation_mismatch} webhook for each, signed. Then the entitlement is mapped
 * to a meter that counts events: the run names the meter (status and one signed {@code
 * billing.reconciliation_meter_mismatch} webhook) and compares none of its pairs.
 */
class StripeReconciliationSystemIT {
  private static final String METER = "recon_calls";
  private static final String COUNTING = "recon_calls_counted";

  @RegisterExtension static final BillingStack stack = new BillingStack();

  private JsonNode ok(String method, String path, String token, String body) throws IOException {
    return stack.ok(method, path, token, body);
  }

  /** Asks for a reconciliation of [from, to) and waits for the status to show its result. */
  private JsonNode reconcile(Instant from, Instant to) throws IOException {
    var queued =
        stack.local.send(
            "POST",
            "/api/connectors/stripe/reconciliation",
            stack.admin,
            "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String runId = stack.local.json(queued).path("run_id").asText();
    assertThat(runId).startsWith("requested:");
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              last[0] =
                  ok("GET", "/api/connectors/stripe/status", stack.admin, null)
                      .path("last_reconciliation");
              return runId.equals(last[0].path("run_id").asText());
            });
    return last[0];
  }

  private String report(String instance, String token, int value, Instant at) throws IOException {
    return ok(
            "POST",
            "/api/instances/" + instance + "/usage",
            token,
            "{\"entitlement_slug\":\"api-calls\",\"value\":"
                + value
                + ",\"timestamp\":\""
                + at
                + "\"}")
        .path("status")
        .asText();
  }

  @Test
  void aSyncedWindowHasNoDifferenceAndAnEventLostOrAddedInStripeIsReportedOnce() throws Exception {
    stack.stripe.meter(METER, "sum");
    ok(
        "POST",
        "/api/tiers",
        stack.admin,
        "{\"slug\":\"metered\",\"name\":\"Metered\",\"rank\":3,"
            + "\"entitlements\":{\"api-calls\":null,\"sso\":true}}");
    ok(
        "PUT",
        "/api/connectors/stripe",
        stack.admin,
        "{\"api_key\":\""
            + stack.key
            + "\",\"meters\":{\"api-calls\":{\"event_name\":\""
            + METER
            + "\"}}}");
    String tokenA = stack.customer("recon-a", "cus_ReconA", "recon-a");
    String tokenB = stack.customer("recon-b", "cus_ReconB", "recon-b");
    // The window is in the past, in whole minutes; the reports are timed inside it.
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofMinutes(10));
    for (int value = 1; value <= 5; value++) {
      assertThat(report("recon-a", tokenA, value, from.plusSeconds(60L * value)))
          .isEqualTo("ACCEPTED");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(report("recon-b", tokenB, 10, from.plusSeconds(30 + i))).isEqualTo("ACCEPTED");
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                stack.stripe.total("cus_ReconA", METER) == 15
                    && stack.stripe.total("cus_ReconB", METER) == 30);

    JsonNode equal = reconcile(from, to);
    assertThat(equal.path("window_start").asText()).isEqualTo(from.toString());
    assertThat(equal.path("window_end").asText()).isEqualTo(to.toString());
    assertThat(equal.path("reports").asInt()).isEqualTo(8);
    assertThat(equal.path("compared").asInt()).isEqualTo(2);
    assertThat(equal.path("difference_count").asInt()).isZero();
    assertThat(equal.path("differences")).isEmpty();
    assertThat(equal.path("meter_findings")).isEmpty();

    try (WebhookInbox inbox =
        WebhookInbox.subscribe(stack.local, stack.admin, "billing.reconciliation_mismatch")) {
      StripeStandIn.Accepted four =
          stack.stripe.accepted().stream()
              .filter(e -> e.customer().equals("cus_ReconA") && e.value() == 4)
              .findFirst()
              .orElseThrow();
      assertThat(stack.stripe.forget(four.identifier())).isTrue();
      assertThat(addToStripe("cus_ReconB", 3, from.plusSeconds(45))).isEqualTo(200);

      JsonNode differing = reconcile(from, to);
      assertThat(differing.path("compared").asInt()).isEqualTo(2);
      assertThat(differing.path("difference_count").asInt()).isEqualTo(2);
      assertThat(differing.path("differences").get(0).path("stripe_customer_id").asText())
          .isEqualTo("cus_ReconA");
      assertThat(differing.path("differences").get(0).path("kaiten_value").asInt()).isEqualTo(15);
      assertThat(differing.path("differences").get(0).path("stripe_value").asInt()).isEqualTo(11);
      assertThat(differing.path("differences").get(1).path("stripe_customer_id").asText())
          .isEqualTo("cus_ReconB");
      assertThat(differing.path("differences").get(1).path("kaiten_value").asInt()).isEqualTo(30);
      assertThat(differing.path("differences").get(1).path("stripe_value").asInt()).isEqualTo(33);

      await().atMost(Duration.ofSeconds(60)).until(() -> inbox.events().size() >= 2);
      assertThat(inbox.unverified()).isEmpty();
      List<String> differences =
          inbox.events().stream()
              .map(
                  event ->
                      event.path("type").asText()
                          + " "
                          + event.path("data").path("stripe_customer_id").asText()
                          + " "
                          + event.path("data").path("difference").asText())
              .toList();
      assertThat(differences)
          .containsExactlyInAnyOrder(
              "billing.reconciliation_mismatch cus_ReconA 4",
              "billing.reconciliation_mismatch cus_ReconB -3");
    }

    // api-calls (SUM) mapped to a meter that counts events: named, its pairs not compared.
    String counting = stack.stripe.meter(COUNTING, "count");
    stack.connect("{\"api-calls\":{\"event_name\":\"" + COUNTING + "\"}}");
    try (WebhookInbox inbox =
        WebhookInbox.subscribe(stack.local, stack.admin, "billing.reconciliation_meter_mismatch")) {
      JsonNode unfit = reconcile(from, to);
      assertThat(unfit.path("compared").asInt()).isZero();
      assertThat(unfit.path("difference_count").asInt()).isZero();
      assertThat(unfit.path("meter_findings").toString())
          .isEqualTo(
              "[{\"entitlement\":\"api-calls\",\"event_name\":\""
                  + COUNTING
                  + "\",\"problem\":\"wrong_formula\",\"meter_id\":\""
                  + counting
                  + "\",\"formula\":\"count\",\"formulas_needed\":[\"sum\"]}]");

      await().atMost(Duration.ofSeconds(60)).until(() -> inbox.events().size() >= 1);
      assertThat(inbox.unverified()).isEmpty();
      assertThat(inbox.events()).hasSize(1);
      JsonNode data = inbox.events().get(0).path("data");
      assertThat(data.path("meters").toString()).isEqualTo(unfit.path("meter_findings").toString());
    }
  }

  /** A meter event sent to the stand-in as Stripe's API takes it: usage Kaiten never counted. */
  private int addToStripe(String customer, long value, Instant at) throws Exception {
    String form =
        "event_name="
            + METER
            + "&payload%5Bstripe_customer_id%5D="
            + customer
            + "&payload%5Bvalue%5D="
            + value
            + "&timestamp="
            + at.getEpochSecond();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(stack.stripe.url() + "/v1/billing/meter_events"))
                .header("Authorization", "Bearer " + stack.key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
