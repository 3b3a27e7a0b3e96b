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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
 * billing.reconciliation_meter_mismatch} webhook) and compares none of its pairs. Then a MAX and a
 * LATEST entitlement mapped to {@code last} meters reconcile by their latest events in the window,
 * and a later value given to Stripe for the MAX one is a difference.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

  /**
   * The scheduler's daily reconciliation runs once a day per tenant, at its first tick (a minute
   * after kaiten-local starts): made now, it cannot finish just after a reconciliation asked for
   * below and replace its result in the status before the test reads it.
   */
  private void dailyRunOutOfTheWay() throws IOException {
    ok("POST", "/_local/schedules/SchedulerFunction/Lifecycle", stack.admin, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                ok("GET", "/api/connectors/stripe/status", stack.admin, null)
                    .path("last_reconciliation")
                    .path("run_id")
                    .asText()
                    .startsWith("daily:"));
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
  @Order(1)
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
    dailyRunOutOfTheWay();
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
      assertThat(addToStripe(METER, "cus_ReconB", 3, from.plusSeconds(45))).isEqualTo(200);

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

  /**
   * Peak seats (MAX) and disk (LATEST, GB to MB) on {@code last} meters: peak 4, then (a second
   * later) 9 and 3, each sent live as the maximum after it (4, 9, 9) at the time it was written;
   * disk 1.5, 2.25 and 4 timed a second, three and two before now, each sent at its own time. The
   * window ends at the minute after the writes, and the reconciliation compares each customer's
   * pair of the two meters with the latest events: 9 and 1500, as Stripe holds them. Then Stripe is
   * given a later peak of 12 that Kaiten never counted: the peak pair differs (9 against 12).
   */
  @Test
  @Order(2)
  void maxAndLatestMetersReconcileByTheirLatestEventsAndALaterValueInStripeIsADifference()
      throws Exception {
    String peakMeter = "recon_peak";
    String diskMeter = "recon_disk_mb";
    stack.stripe.meter(peakMeter, "last");
    stack.stripe.meter(diskMeter, "last");
    ok(
        "POST",
        "/api/entitlements",
        stack.admin,
        "{\"slug\":\"recon-peak\",\"name\":\"Peak\",\"type\":\"NUMERIC\","
            + "\"aggregation\":\"MAX\",\"enforcement\":\"SOFT\"}");
    ok(
        "POST",
        "/api/entitlements",
        stack.admin,
        "{\"slug\":\"recon-disk\",\"name\":\"Disk\",\"type\":\"NUMERIC\","
            + "\"aggregation\":\"LATEST\",\"enforcement\":\"SOFT\",\"unit\":\"GB\"}");
    ok(
        "POST",
        "/api/tiers",
        stack.admin,
        "{\"slug\":\"gauges\",\"name\":\"Gauges\",\"rank\":5,"
            + "\"entitlements\":{\"recon-peak\":null,\"recon-disk\":null}}");
    stack.connect(
        "{\"recon-peak\":{\"event_name\":\""
            + peakMeter
            + "\"},\"recon-disk\":{\"event_name\":\""
            + diskMeter
            + "\",\"scale\":1000}}");
    String token = stack.customer("recon-gauges", "cus_ReconGauges", "recon-g", "gauges");
    String path = "/api/instances/recon-g/usage";

    ok("POST", path, token, "{\"entitlement_slug\":\"recon-peak\",\"value\":4}");
    // The next values written in a later second: the latest second holds only the maximum, 9.
    long written = Instant.now().getEpochSecond();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().getEpochSecond() > written);
    ok("POST", path, token, "{\"entitlement_slug\":\"recon-peak\",\"value\":9}");
    ok("POST", path, token, "{\"entitlement_slug\":\"recon-peak\",\"value\":3}");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String[][] disk = {{"1.5", "1"}, {"2.25", "3"}, {"4", "2"}};
    for (String[] report : disk) {
      ok(
          "POST",
          path,
          token,
          "{\"entitlement_slug\":\"recon-disk\",\"value\":"
              + report[0]
              + ",\"timestamp\":\""
              + now.minusSeconds(Long.parseLong(report[1]))
              + "\"}");
    }
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Instant from = to.minus(Duration.ofMinutes(10));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Long.valueOf(9).equals(stack.stripe.last("cus_ReconGauges", peakMeter))
                    && Long.valueOf(1500).equals(stack.stripe.last("cus_ReconGauges", diskMeter)));
    await()
        .atMost(Duration.ofSeconds(70))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !Instant.now().isBefore(to));
    int pairs = 2 * customersWithStripeIds();

    JsonNode equal = reconcile(from, to);
    assertThat(equal.path("compared").asInt()).isEqualTo(pairs);
    assertThat(equal.path("difference_count").asInt()).isZero();
    assertThat(equal.path("differences")).isEmpty();
    assertThat(equal.path("not_compared")).isEmpty();
    assertThat(equal.path("meter_findings")).isEmpty();

    assertThat(addToStripe(peakMeter, "cus_ReconGauges", 12, to.minusSeconds(1))).isEqualTo(200);
    JsonNode differing = reconcile(from, to);
    assertThat(differing.path("compared").asInt()).isEqualTo(pairs);
    assertThat(differing.path("difference_count").asInt()).isEqualTo(1);
    JsonNode difference = differing.path("differences").get(0);
    assertThat(difference.path("stripe_customer_id").asText()).isEqualTo("cus_ReconGauges");
    assertThat(difference.path("entitlement").asText()).isEqualTo("recon-peak");
    assertThat(difference.path("event_name").asText()).isEqualTo(peakMeter);
    assertThat(difference.path("kaiten_value").asInt()).isEqualTo(9);
    assertThat(difference.path("stripe_value").asInt()).isEqualTo(12);
  }

  /** The tenant's customers with a Stripe id: every one is compared on every fitting meter. */
  private int customersWithStripeIds() throws IOException {
    int count = 0;
    for (JsonNode customer :
        ok("GET", "/api/customers?limit=200", stack.admin, null).path("items")) {
      if (customer.path("metadata").hasNonNull("stripe_customer_id")) {
        count++;
      }
    }
    return count;
  }

  /** A meter event sent to the stand-in as Stripe's API takes it: usage Kaiten never counted. */
  private int addToStripe(String eventName, String customer, long value, Instant at)
      throws Exception {
    String form =
        "event_name="
            + eventName
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
