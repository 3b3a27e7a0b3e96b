package sh.kaiten.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookEndpointTest {
  private static final Instant ROTATED = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void aRotatedOutSecretSignsBesideTheNewOneUntilItsGraceEnds() {
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            "wh_1",
            "https://hooks.example.com",
            null,
            List.of("*"),
            "whsec_new",
            "whsec_old",
            ROTATED.plusSeconds(86_400),
            ROTATED,
            ROTATED);

    assertThat(endpoint.signingSecrets(ROTATED)).containsExactly("whsec_new", "whsec_old");
    assertThat(endpoint.signingSecrets(ROTATED.plusSeconds(86_399)))
        .containsExactly("whsec_new", "whsec_old");
    assertThat(endpoint.signingSecrets(ROTATED.plusSeconds(86_400))).containsExactly("whsec_new");
  }

  @Test
  void subscriptionsAreByWireNameOrAll() {
    WebhookEndpoint some =
        new WebhookEndpoint(
            "wh_1",
            "https://h",
            null,
            List.of("license.created"),
            "s",
            null,
            null,
            ROTATED,
            ROTATED);
    WebhookEndpoint all =
        new WebhookEndpoint(
            "wh_2", "https://h", null, List.of("*"), "s", null, null, ROTATED, ROTATED);

    assertThat(some.subscribes("license.created")).isTrue();
    assertThat(some.subscribes("license.updated")).isFalse();
    assertThat(all.subscribes("webhook.test")).isTrue();
  }

  @Test
  void secretsAreWhsecAndThirtyTwoRandomBytesInStandardBase64() {
    String secret = WebhookSecrets.newSecret();

    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(WebhookSecrets.newSecret()).isNotEqualTo(secret);
  }
}
