package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19's backfill end to end on kaiten-local: usage reported before the tenant had a Stripe
 * connector reaches Stripe only when a backfill of its range is asked for through the API; Stripe's
 * totals per customer and meter then equal the usage export's period totals, although live sync had
 * sent part of the range already, and a second backfill of the same range calls Stripe for nothing.
 */
class StripeBackfillSystemIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final BillingStack stack = new BillingStack();

  private JsonNode call(int status, String method, String path, String token, String body)
      throws IOException {
    var response = stack.local.send(method, path, token, body);
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(status);
    return stack.local.json(response);
  }

  @Test
  void aBackfillOfAPastRangeBringsStripeToTheExportsTotalsAndARepeatCallsForNothing()
      throws Exception {
    call(
        201,
        "POST",
        "/api/tiers",
        stack.admin,
        "{\"slug\":\"metered\",\"name\":\"Metered\",\"rank\":3,"
            + "\"entitlements\":{\"api-calls\":null,\"sso\":true}}");
    Map<String, String> stripeIds =
        Map.of("backfill-a", "cus_BackfillA", "backfill-b", "cus_BackfillB");
    Map<String, String> tokens = new HashMap<>();
    for (var entry : stripeIds.entrySet()) {
      tokens.put(entry.getKey(), stack.customer(entry.getKey(), entry.getValue(), entry.getKey()));
    }
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

    // Reported while the tenant has no connector: billing-sync has nothing to send them to.
    for (var instance : tokens.entrySet()) {
      String path = "/api/instances/" + instance.getKey() + "/usage";
      for (int i = 1; i <= 10; i++) {
        call(
            200,
            "POST",
            path,
            instance.getValue(),
            "{\"entitlement_slug\":\"api-calls\",\"value\":" + i + "}");
      }
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        events.add("{\"entitlement_slug\":\"api-calls\",\"value\":2}");
      }
      call(
          200,
          "POST",
          path + "/batch",
          instance.getValue(),
          "{\"events\":[" + String.join(",", events) + "]}");
    }
    await().atMost(Duration.ofSeconds(60)).until(stack::billingQueueEmpty);
    assertThat(stack.stripe.calls()).isZero();

    call(
        201,
        "PUT",
        "/api/connectors/stripe",
        stack.admin,
        "{\"api_key\":\""
            + stack.key
            + "\",\"meters\":{\"api-calls\":{\"event_name\":\"api_calls\"}}}");
    // Reported with the connector: live sync sends it, and the backfill's range covers it too.
    call(
        200,
        "POST",
        "/api/instances/backfill-a/usage",
        tokens.get("backfill-a"),
        "{\"entitlement_slug\":\"api-calls\",\"value\":1000}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> stack.stripe.total("cus_BackfillA", "api_calls") == 1000);

    Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String range = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}";
    call(202, "POST", "/api/connectors/stripe/backfill", stack.admin, range);

    Map<String, Long> expected = exportedTotals(from);
    assertThat(expected)
        .containsEntry("cus_BackfillA", 55L + 300 + 1000)
        .containsEntry("cus_BackfillB", 55L + 300);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (var total : expected.entrySet()) {
                assertThat(stack.stripe.total(total.getKey(), "api_calls"))
                    .as(total.getKey())
                    .isEqualTo(total.getValue());
              }
            });
    assertThat(stack.stripe.acceptedMoreThanOnce()).isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(stack::billingQueueEmpty);

    int calls = stack.stripe.calls();
    call(202, "POST", "/api/connectors/stripe/backfill", stack.admin, range);
    await().atMost(Duration.ofSeconds(60)).until(stack::billingQueueEmpty);
    assertThat(stack.stripe.calls()).isEqualTo(calls);
    for (var total : expected.entrySet()) {
      assertThat(stack.stripe.total(total.getKey(), "api_calls")).isEqualTo(total.getValue());
    }
    call(200, "GET", "/api/audit?type=connector.stripe.backfill_requested", stack.admin, null);
  }

  /** The usage export's api-calls totals of this month's periods, by Stripe customer. */
  private Map<String, Long> exportedTotals(Instant at) throws IOException {
    Instant month =
        YearMonth.from(at.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    var response =
        stack.local.send(
            "GET",
            "/api/usage/export?from=" + month + "&to=" + month.plus(Duration.ofDays(31)),
            stack.admin,
            null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Long> totals = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = JSON.readTree(line);
      if (!row.path("entitlement").asText().equals("api-calls")) {
        continue;
      }
      String customer =
          row.path("holder").asText().endsWith("backfill-a") ? "cus_BackfillA" : "cus_BackfillB";
      totals.merge(
          customer, new BigDecimal(row.path("usage").asText()).longValueExact(), Long::sum);
    }
    return totals;
  }
}
