package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sh.kaiten.local.aws.StripeStandIn;

/**
 * Issue 19 end to end on kaiten-local: a MAX and a LATEST entitlement mapped to Stripe meters whose
 * formula is {@code last} reach them live, report by report, through the outbox stream, the billing
 * queue and billing-sync's stripe-java: Stripe's event summary for the customer is Kaiten's usage
 * (the period's maximum; the latest-timestamped report's value) long before any period closes, and
 * the billing messages delivered again send no report's value twice.
 */
class LastMeterSystemIT {
  @RegisterExtension static final BillingStack stack = new BillingStack();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMER = "cus_StandInGauges";

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode ok(String method, String path, String token, String body) throws IOException {
    return stack.ok(method, path, token, body);
  }

  @Test
  void maxAndLatestUsageIsStripesLastValueAsSoonAsItIsReportedAndARedeliverySendsNothingTwice()
      throws Exception {
    ok(
        "POST",
        "/api/entitlements",
        stack.admin,
        "{\"slug\":\"peak-seats\",\"name\":\"Peak seats\",\"type\":\"NUMERIC\","
            + "\"aggregation\":\"MAX\",\"enforcement\":\"SOFT\"}");
    ok(
        "POST",
        "/api/entitlements",
        stack.admin,
        "{\"slug\":\"storage-gb\",\"name\":\"Storage\",\"type\":\"NUMERIC\","
            + "\"aggregation\":\"LATEST\",\"enforcement\":\"SOFT\",\"unit\":\"GB\"}");
    ok(
        "POST",
        "/api/tiers",
        stack.admin,
        "{\"slug\":\"metered\",\"name\":\"Metered\",\"rank\":3,"
            + "\"entitlements\":{\"peak-seats\":null,\"storage-gb\":null}}");
    JsonNode connector =
        stack.connect(
            "{\"peak-seats\":{\"event_name\":\"peak_seats\"},"
                + "\"storage-gb\":{\"event_name\":\"storage_mb\",\"scale\":1000}}");
    assertThat(connector.path("meters").path("peak-seats").path("formula").asText())
        .isEqualTo("last");
    // The vendor's meters in Stripe, made before any usage.
    String peakMeter = stack.stripe.meter("peak_seats", "last");
    String storageMeter = stack.stripe.meter("storage_mb", "last");
    String token = stack.customer("Gauges", CUSTOMER, "gauge-a");
    String path = "/api/instances/gauge-a/usage";

    for (int seats : new int[] {5, 9, 3}) {
      ok("POST", path, token, "{\"entitlement_slug\":\"peak-seats\",\"value\":" + seats + "}");
    }
    // Sent in another order than their timestamps: LATEST keeps the latest-timestamped, 1.5.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String[][] storage = {{"1.5", "1"}, {"2.25", "3"}, {"4", "2"}};
    for (String[] report : storage) {
      ok(
          "POST",
          path,
          token,
          "{\"entitlement_slug\":\"storage-gb\",\"value\":"
              + report[0]
              + ",\"timestamp\":\""
              + now.minusSeconds(Long.parseLong(report[1]))
              + "\"}");
    }
    assertThat(usage("peak-seats")).isEqualByComparingTo("9");
    assertThat(usage("storage-gb")).isEqualByComparingTo("1.5");

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(summary(peakMeter)).isEqualTo(9L);
              assertThat(summary(storageMeter)).isEqualTo(1500L);
            });
    await().atMost(Duration.ofSeconds(30)).until(stack::billingQueueEmpty);
    // At most one value per report: the running maximum, and each LATEST report's own value; a
    // value superseded by a later one of the same batch of the billing queue is not sent.
    assertThat(sent("peak_seats")).contains(9L).isSubsetOf(5L, 9L, 9L);
    assertThat(sent("storage_mb")).contains(1500L).isSubsetOf(1500L, 2250L, 4000L);

    // The same messages again: whatever batches they come in, no report's value is sent twice,
    // and Stripe still holds Kaiten's values.
    assertThat(stack.redeliverBillingMessages()).isEqualTo(6);
    await().atMost(Duration.ofSeconds(60)).until(stack::billingQueueEmpty);
    assertThat(stack.stripe.acceptedMoreThanOnce()).isEmpty();
    assertThat(summary(peakMeter)).isEqualTo(9L);
    assertThat(summary(storageMeter)).isEqualTo(1500L);
  }

  private BigDecimal usage(String entitlement) throws IOException {
    return ok(
            "GET",
            "/api/instances/gauge-a/entitlements/" + entitlement + "/usage",
            stack.admin,
            null)
        .path("current_usage")
        .decimalValue();
  }

  /** The values Stripe accepted for the customer on a meter. */
  private static java.util.List<Long> sent(String eventName) {
    return stack.stripe.accepted().stream()
        .filter(event -> event.customer().equals(CUSTOMER) && event.eventName().equals(eventName))
        .map(StripeStandIn.Accepted::value)
        .toList();
  }

  /**
   * Stripe's event summary of the meter for the customer over the last day (its aggregated value,
   * as Stripe's API answers it), or null when it has no event.
   */
  private Long summary(String meter) throws Exception {
    long now = Instant.now().getEpochSecond();
    long start = (now - 86_400) / 60 * 60;
    long end = (now / 60 + 10) * 60;
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        stack.stripe.url()
                            + "/v1/billing/meters/"
                            + meter
                            + "/event_summaries?customer="
                            + CUSTOMER
                            + "&start_time="
                            + start
                            + "&end_time="
                            + end))
                .header("Authorization", "Bearer " + stack.key)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode data = JSON.readTree(answer.body()).path("data");
    assertThat(data.size()).as(answer.body()).isLessThanOrEqualTo(1);
    return data.isEmpty() ? null : data.get(0).path("aggregated_value").asLong();
  }
}
