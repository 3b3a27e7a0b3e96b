package sh.kaiten.adapters.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.billing.Meter;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.billing.MeterEventCreateParams;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.local.aws.StripeStandIn;

/**
 * The stand-in's validation, on the raw form Stripe's clients send, answered in Stripe's shape; its
 * meters and meter event summaries read with stripe-java, as Stripe's reference documents them.
 */
class StripeStandInTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final String key = StripeMeterEventsTest.testKey();
  private final StripeStandIn stripe = StripeStandIn.start(clock, key);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    stripe.close();
  }

  private HttpResponse<String> post(String form) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stripe.url() + "/v1/billing/meter_events"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error");
  }

  @Test
  void aWellFormedEventIsAnsweredAsStripeDoes() throws Exception {
    HttpResponse<String> response =
        post(
            "event_name=api_calls&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=25"
                + "&identifier=id_1&timestamp="
                + clock.instant().minusSeconds(60).getEpochSecond());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode event = JSON.readTree(response.body());
    assertThat(event.path("object").asText()).isEqualTo("billing.meter_event");
    assertThat(event.path("identifier").asText()).isEqualTo("id_1");
    assertThat(event.path("payload").path("value").asText()).isEqualTo("25");
    assertThat(event.path("timestamp").asLong())
        .isEqualTo(clock.instant().minusSeconds(60).getEpochSecond());
  }

  @Test
  void aMissingFieldIsA400NamingIt() throws Exception {
    HttpResponse<String> noName =
        post("payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=1");
    HttpResponse<String> noCustomer = post("event_name=api_calls&payload%5Bvalue%5D=1");
    HttpResponse<String> noValue =
        post("event_name=api_calls&payload%5Bstripe_customer_id%5D=cus_1");

    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(error(noName).path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error(noName).path("code").asText()).isEqualTo("parameter_missing");
    assertThat(error(noName).path("param").asText()).isEqualTo("event_name");
    assertThat(error(noCustomer).path("param").asText()).isEqualTo("payload[stripe_customer_id]");
    assertThat(error(noValue).path("param").asText()).isEqualTo("payload[value]");
    assertThat(stripe.accepted()).isEmpty();
  }

  @Test
  void aValueThatIsNotAWholeNumberIsRefused() throws Exception {
    HttpResponse<String> response =
        post("event_name=api_calls&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=2.5");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("code").asText()).isEqualTo("parameter_invalid_integer");
    assertThat(error(response).path("param").asText()).isEqualTo("payload[value]");
  }

  @Test
  void anIdentifierOrEventNameOver100CharactersIsRefused() throws Exception {
    HttpResponse<String> longIdentifier =
        post(
            "event_name=api_calls&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=1"
                + "&identifier="
                + "i".repeat(101));
    HttpResponse<String> longName =
        post(
            "event_name="
                + "e".repeat(101)
                + "&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=1");
    HttpResponse<String> longest =
        post(
            "event_name=api_calls&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=1"
                + "&identifier="
                + "i".repeat(100));

    assertThat(longIdentifier.statusCode()).isEqualTo(400);
    assertThat(error(longIdentifier).path("param").asText()).isEqualTo("identifier");
    assertThat(error(longName).path("param").asText()).isEqualTo("event_name");
    assertThat(longest.statusCode()).isEqualTo(200);
  }

  @Test
  void withoutTheKeyNothingIsAccepted() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(stripe.url() + "/v1/billing/meter_events"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "event_name=a&payload%5Bstripe_customer_id%5D=c&payload%5Bvalue%5D=1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(stripe.accepted()).isEmpty();
  }

  /** 2026-11-25T00:00:00Z, the day the clock is in. */
  private static final Instant DAY = Instant.parse("2026-11-25T00:00:00Z");

  private final StripeClient client =
      StripeMeterEvents.client(key, stripe.url(), Duration.ofSeconds(10));

  private void send(String eventName, String customer, long value, Instant at)
      throws StripeException {
    client
        .v1()
        .billing()
        .meterEvents()
        .create(
            MeterEventCreateParams.builder()
                .setEventName(eventName)
                .setTimestamp(at.getEpochSecond())
                .putPayload("stripe_customer_id", customer)
                .putPayload("value", Long.toString(value))
                .build());
  }

  private StripeCollection<MeterEventSummary> list(
      String meter, MeterEventSummaryListParams.Builder params) throws StripeException {
    return client.v1().billing().meters().eventSummaries().list(meter, params.build());
  }

  private StripeCollection<MeterEventSummary> summaries(
      String meter, String customer, Instant start, Instant end) throws StripeException {
    return list(
        meter,
        MeterEventSummaryListParams.builder()
            .setCustomer(customer)
            .setStartTime(start.getEpochSecond())
            .setEndTime(end.getEpochSecond()));
  }

  @Test
  void metersAreListedNewestFirstInPagesWithTheirEventNameAndFormula() throws Exception {
    String calls = stripe.meter("api_calls", "sum");
    clock.advance(Duration.ofSeconds(1));
    String seats = stripe.meter("seats", "last");

    StripeCollection<Meter> first =
        client.v1().billing().meters().list(MeterListParams.builder().setLimit(1L).build());
    assertThat(first.getData()).extracting(Meter::getId).containsExactly(seats);
    assertThat(first.getHasMore()).isTrue();
    assertThat(first.getData().get(0).getEventName()).isEqualTo("seats");
    assertThat(first.getData().get(0).getDefaultAggregation().getFormula()).isEqualTo("last");
    assertThat(first.getData().get(0).getStatus()).isEqualTo("active");
    List<String> all = new java.util.ArrayList<>();
    client
        .v1()
        .billing()
        .meters()
        .list(
            MeterListParams.builder().setLimit(1L).setStatus(MeterListParams.Status.ACTIVE).build())
        .autoPagingIterable()
        .forEach(meter -> all.add(meter.getEventName() + "/" + meter.getId()));
    assertThat(all).containsExactly("seats/" + seats, "api_calls/" + calls);
    assertThat(
            client
                .v1()
                .billing()
                .meters()
                .list(MeterListParams.builder().setStatus(MeterListParams.Status.INACTIVE).build())
                .getData())
        .isEmpty();
  }

  @Test
  void aSummaryAppliesTheMetersFormulaToTheCustomersEventsInTheRange() throws Exception {
    String sum = stripe.meter("api_calls", "sum");
    String count = stripe.meter("logins", "count");
    String last = stripe.meter("seats", "last");
    Instant at = DAY.plus(Duration.ofHours(10));
    send("api_calls", "cus_1", 25, at);
    send("api_calls", "cus_1", 17, at.plusSeconds(59));
    send("api_calls", "cus_2", 1000, at); // another customer
    send("api_calls", "cus_1", 9, DAY.minusSeconds(1)); // the day before
    send("logins", "cus_1", 7, at);
    send("logins", "cus_1", 7, at.plusSeconds(1));
    send("seats", "cus_1", 12, at.plusSeconds(5));
    send("seats", "cus_1", 4, at); // earlier: not the last, though sent after
    Instant end = DAY.plus(Duration.ofHours(11));

    StripeCollection<MeterEventSummary> summed = summaries(sum, "cus_1", DAY, end);
    assertThat(summed.getObject()).isEqualTo("list");
    assertThat(summed.getHasMore()).isFalse();
    assertThat(summed.getData()).hasSize(1);
    MeterEventSummary summary = summed.getData().get(0);
    assertThat(summary.getObject()).isEqualTo("billing.meter_event_summary");
    assertThat(summary.getId()).startsWith("mtrusg_");
    assertThat(summary.getMeter()).isEqualTo(sum);
    assertThat(summary.getAggregatedValue()).isEqualByComparingTo("42");
    assertThat(summary.getStartTime()).isEqualTo(DAY.getEpochSecond());
    assertThat(summary.getEndTime()).isEqualTo(end.getEpochSecond());
    assertThat(summary.getLivemode()).isFalse();
    assertThat(summaries(count, "cus_1", DAY, end).getData().get(0).getAggregatedValue())
        .isEqualByComparingTo("2");
    assertThat(summaries(last, "cus_1", DAY, end).getData().get(0).getAggregatedValue())
        .isEqualByComparingTo("12");
    // The end is exclusive: the second event, 59 s past 10:00, is outside [DAY, 10:00:59).
    assertThat(
            summaries(sum, "cus_1", DAY, at.plusSeconds(60)).getData().get(0).getAggregatedValue())
        .isEqualByComparingTo(BigDecimal.valueOf(42));
    assertThat(summaries(sum, "cus_1", DAY, at).getData()).isEmpty();
    assertThat(summaries(sum, "cus_3", DAY, end).getData()).isEmpty();
  }

  @Test
  void summariesGroupedByHourComeNewestFirstInPages() throws Exception {
    String sum = stripe.meter("api_calls", "sum");
    send("api_calls", "cus_1", 3, DAY.plus(Duration.ofMinutes(30)));
    send("api_calls", "cus_1", 5, DAY.plus(Duration.ofMinutes(150)));

    StripeCollection<MeterEventSummary> first =
        list(
            sum,
            MeterEventSummaryListParams.builder()
                .setCustomer("cus_1")
                .setStartTime(DAY.getEpochSecond())
                .setEndTime(DAY.plus(Duration.ofHours(4)).getEpochSecond())
                .setValueGroupingWindow(MeterEventSummaryListParams.ValueGroupingWindow.HOUR)
                .setLimit(1L));

    assertThat(first.getData()).hasSize(1);
    assertThat(first.getHasMore()).isTrue();
    assertThat(first.getData().get(0).getStartTime())
        .isEqualTo(DAY.plus(Duration.ofHours(2)).getEpochSecond());
    assertThat(first.getData().get(0).getAggregatedValue()).isEqualByComparingTo("5");
    List<String> windows = new java.util.ArrayList<>();
    first
        .autoPagingIterable()
        .forEach(s -> windows.add(s.getStartTime() + "=" + s.getAggregatedValue().intValue()));
    assertThat(windows)
        .containsExactly(
            DAY.plus(Duration.ofHours(2)).getEpochSecond() + "=5", DAY.getEpochSecond() + "=3");
  }

  @Test
  void eventsAcceptedBeforeTheMeterExistedAreNotInItsSummaries() throws Exception {
    send("api_calls", "cus_1", 8, DAY.plusSeconds(60));
    clock.advance(Duration.ofSeconds(1));
    String sum = stripe.meter("api_calls", "sum");
    send("api_calls", "cus_1", 2, DAY.plusSeconds(60));

    assertThat(
            summaries(sum, "cus_1", DAY, DAY.plus(Duration.ofDays(1)))
                .getData()
                .get(0)
                .getAggregatedValue())
        .isEqualByComparingTo("2");
  }

  private static InvalidRequestException refused(ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(InvalidRequestException.class);
    return (InvalidRequestException) thrown;
  }

  @Test
  void aSummaryRequestIsValidatedAsStripeDoes() throws Exception {
    String sum = stripe.meter("api_calls", "sum");
    long day = DAY.getEpochSecond();

    InvalidRequestException noCustomer =
        refused(
            () ->
                list(
                    sum,
                    MeterEventSummaryListParams.builder().setStartTime(day).setEndTime(day + 60)));
    assertThat(noCustomer.getStatusCode()).isEqualTo(400);
    assertThat(noCustomer.getCode()).isEqualTo("parameter_missing");
    assertThat(noCustomer.getParam()).isEqualTo("customer");
    assertThat(
            refused(
                    () ->
                        list(
                            sum,
                            MeterEventSummaryListParams.builder()
                                .setCustomer("cus_1")
                                .setEndTime(day + 60)))
                .getParam())
        .isEqualTo("start_time");
    assertThat(
            refused(() -> summaries(sum, "cus_1", DAY.plusSeconds(1), DAY.plusSeconds(120)))
                .getParam())
        .isEqualTo("start_time");
    assertThat(refused(() -> summaries(sum, "cus_1", DAY, DAY.plusSeconds(90))).getParam())
        .isEqualTo("end_time");
    assertThat(refused(() -> summaries(sum, "cus_1", DAY, DAY)).getParam()).isEqualTo("end_time");
    InvalidRequestException unknown =
        refused(() -> summaries("mtr_test_nope", "cus_1", DAY, DAY.plusSeconds(60)));
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(unknown.getCode()).isEqualTo("resource_missing");
    HttpResponse<String> notInteger =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        stripe.url()
                            + "/v1/billing/meters/"
                            + sum
                            + "/event_summaries?customer=cus_1&start_time=soon&end_time=60"))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notInteger.statusCode()).isEqualTo(400);
    assertThat(error(notInteger).path("code").asText()).isEqualTo("parameter_invalid_integer");
    assertThat(error(notInteger).path("param").asText()).isEqualTo("start_time");
  }
}
