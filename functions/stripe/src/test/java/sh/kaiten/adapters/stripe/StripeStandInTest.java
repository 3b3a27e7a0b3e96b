package sh.kaiten.adapters.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.local.aws.StripeStandIn;

/** The stand-in's validation, on the raw form Stripe's clients send, answered in Stripe's shape. */
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
}
