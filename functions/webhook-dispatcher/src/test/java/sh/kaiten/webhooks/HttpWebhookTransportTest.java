package sh.kaiten.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sh.kaiten.adapters.webhooks.HttpWebhookTransport;
import sh.kaiten.adapters.webhooks.WebhookTargets;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.testing.WebhookReceiver;

/**
 * One attempt against a real receiver: what is sent, what counts as delivered, and what is never
 * sent.
 */
class HttpWebhookTransportTest {
  private static final String PAYLOAD =
      "{\"id\":\"evt_1\",\"type\":\"webhook.test\",\"created_at\":\"2026-11-26T10:00:00Z\",\"data\":{}}";

  private final String secret = WebhookSecrets.newSecret();
  private final WebhookReceiver receiver = WebhookReceiver.start().verifyingWith(secret);
  private final HttpWebhookTransport open =
      new HttpWebhookTransport(
          new WebhookTargets(true), Duration.ofSeconds(1), Duration.ofSeconds(1));
  private final HttpWebhookTransport guarded =
      new HttpWebhookTransport(
          new WebhookTargets(false), Duration.ofSeconds(1), Duration.ofSeconds(1));

  @AfterEach
  void stop() {
    receiver.close();
  }

  private AttemptResult post(HttpWebhookTransport transport, String url) {
    return transport.post(url, "dlv_1", Instant.now(), PAYLOAD, List.of(secret));
  }

  @Test
  void aTwoHundredDeliversTheSignedPayloadAsIs() {
    AttemptResult result = post(open, receiver.url());

    assertThat(result.succeeded()).isTrue();
    assertThat(result.responseCode()).isEqualTo(204);
    assertThat(result.error()).isNull();
    assertThat(receiver.arrivals()).hasSize(1);
    assertThat(receiver.arrivals().get(0).body()).isEqualTo(PAYLOAD);
    assertThat(receiver.arrivals().get(0).webhookId()).isEqualTo("dlv_1");
    assertThat(receiver.unverified()).isEmpty();
  }

  @Test
  void aRedirectIsNotFollowedAndIsAFailure() {
    receiver.answering(n -> 302);

    AttemptResult result = post(open, receiver.url());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.responseCode()).isEqualTo(302);
    assertThat(result.error()).isEqualTo("answered 302: redirects are not followed");
    assertThat(receiver.arrivals()).hasSize(1);
  }

  @Test
  void aReceiverThatNeverAnswersFailsTheAttemptAtTheReadTimeout() {
    receiver.answering(n -> WebhookReceiver.NEVER);

    AttemptResult result = post(open, receiver.url());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.responseCode()).isNull();
    assertThat(result.error()).isEqualTo("SocketTimeoutException: Read timed out");
    assertThat(result.latencyMs()).isBetween(1000L, 5000L);
  }

  @Test
  void aReceiverThatIsGoneFailsTheAttemptWithoutAnAnswer() {
    String url = receiver.url();
    receiver.close();

    AttemptResult result = post(open, url);

    assertThat(result.responseCode()).isNull();
    assertThat(result.error()).startsWith("ConnectException: ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:%d/hooks",
        "https://127.0.0.1:%d/hooks",
        "https://localhost:%d/hooks",
        "https://[::1]:%d/hooks",
        "https://169.254.169.254:%d/latest/meta-data",
        "https://10.0.0.1:%d/hooks"
      })
  void withoutTheAllowSettingAPrivateTargetFailsAtDeliveryWithoutARequest(String url) {
    AttemptResult result = post(guarded, url.formatted(receiver.port()));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.responseCode()).isNull();
    assertThat(result.latencyMs()).isZero();
    assertThat(result.error()).startsWith("not sent: url");
    assertThat(receiver.arrivals()).isEmpty();
  }
}
