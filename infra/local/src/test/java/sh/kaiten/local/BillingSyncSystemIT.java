package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sh.kaiten.local.aws.StripeStandIn;

/**
 * Issue 19 end to end on kaiten-local: a Stripe connector configured through the API, usage
 * reported through the API by two customers' instances (single reports, a replayed idempotency key,
 * batches, decimals scaled), carried by the outbox stream and the billing queue to billing-sync,
 * which sends it with stripe-java to a Stripe stand-in that answers some calls 429: Stripe's totals
 * per customer and meter end equal to Kaiten's; then the same billing messages delivered again call
 * Stripe for nothing.
 */
class BillingSyncSystemIT {
  @RegisterExtension static final BillingStack stack = new BillingStack();

  private JsonNode ok(String method, String path, String token, String body) throws IOException {
    return stack.ok(method, path, token, body);
  }

  private BigDecimal kaitenTotal(String instance, String entitlement) throws IOException {
    return ok(
            "GET",
            "/api/instances/" + instance + "/entitlements/" + entitlement + "/usage",
            stack.admin,
            null)
        .path("current_usage")
        .decimalValue();
  }

  @Test
  void reportsReachStripeOncePerCustomerAndMeterEqualToKaitensTotalsAndARedeliveryCallsForNothing()
      throws Exception {
    ok(
        "POST",
        "/api/entitlements",
        stack.admin,
        "{\"slug\":\"transfer-gb\",\"name\":\"Transfer\",\"type\":\"NUMERIC\",\"enforcement\":\"SOFT\",\"unit\":\"GB\"}");
    ok(
        "POST",
        "/api/tiers",
        stack.admin,
        "{\"slug\":\"metered\",\"name\":\"Metered\",\"rank\":3,"
            + "\"entitlements\":{\"api-calls\":null,\"transfer-gb\":null,\"sso\":true}}");
    stack.connect(
        "{\"api-calls\":{\"event_name\":\"api_calls\"},"
            + "\"transfer-gb\":{\"event_name\":\"transfer_mb\",\"scale\":1000}}");
    Map<String, String> customers =
        Map.of("billing-a", "cus_StandInA", "billing-b", "cus_StandInB");
    Map<String, String> tokens = new java.util.HashMap<>();
    for (var entry : customers.entrySet()) {
      tokens.put(entry.getKey(), stack.customer(entry.getKey(), entry.getValue(), entry.getKey()));
    }
    // Every seventh call to Stripe is answered 429: billing-sync backs off and tries again.
    stack.stripe.faults(
        call -> call % 7 == 0 ? StripeStandIn.Fault.RATE_LIMIT : StripeStandIn.Fault.NONE);

    for (var instance : tokens.entrySet()) {
      String path = "/api/instances/" + instance.getKey() + "/usage";
      for (int i = 1; i <= 15; i++) {
        ok(
            "POST",
            path,
            instance.getValue(),
            "{\"entitlement_slug\":\"api-calls\",\"value\":" + i + "}");
      }
      String keyed =
          "{\"entitlement_slug\":\"api-calls\",\"value\":100,\"idempotency_key\":\"once\"}";
      ok("POST", path, instance.getValue(), keyed);
      ok("POST", path, instance.getValue(), keyed); // replayed: counted once
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        events.add(
            i % 2 == 0
                ? "{\"entitlement_slug\":\"transfer-gb\",\"value\":0.125}"
                : "{\"entitlement_slug\":\"api-calls\",\"value\":2}");
      }
      ok(
          "POST",
          path + "/batch",
          instance.getValue(),
          "{\"events\":[" + String.join(",", events) + "]}");
    }

    Map<String, Long> expected = new java.util.HashMap<>();
    for (var entry : customers.entrySet()) {
      expected.put(
          entry.getValue() + " api_calls",
          kaitenTotal(entry.getKey(), "api-calls").longValueExact());
      expected.put(
          entry.getValue() + " transfer_mb",
          kaitenTotal(entry.getKey(), "transfer-gb")
              .multiply(BigDecimal.valueOf(1000))
              .longValueExact());
    }
    assertThat(expected)
        .containsEntry("cus_StandInA api_calls", 15L * 16 / 2 + 100 + 60 * 2)
        .containsEntry("cus_StandInA transfer_mb", 60L * 125);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (var total : expected.entrySet()) {
                String[] lane = total.getKey().split(" ");
                assertThat(stack.stripe.total(lane[0], lane[1]))
                    .as(total.getKey())
                    .isEqualTo(total.getValue());
              }
            });
    assertThat(stack.stripe.acceptedMoreThanOnce()).isEmpty();
    assertThat(stack.stripe.concurrentRefusals()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(stack::billingQueueEmpty);

    // The same billing messages again, as SQS redelivering a batch: every report was sent, so
    // Stripe is not called.
    int calls = stack.stripe.calls();
    int redelivered = stack.redeliverBillingMessages();
    assertThat(redelivered).isGreaterThanOrEqualTo(2 * (15 + 1 + 1));
    await().atMost(Duration.ofSeconds(60)).until(stack::billingQueueEmpty);
    assertThat(stack.stripe.calls()).isEqualTo(calls);
    for (var total : expected.entrySet()) {
      String[] lane = total.getKey().split(" ");
      assertThat(stack.stripe.total(lane[0], lane[1]))
          .as(total.getKey())
          .isEqualTo(total.getValue());
    }
  }
}
