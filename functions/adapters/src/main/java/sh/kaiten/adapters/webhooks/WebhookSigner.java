package sh.kaiten.adapters.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code webhook-signature} header of Standard Webhooks, made by its reference library: one
 * {@code v1,<base64 HMAC-SHA256(id.timestamp.body)>} per secret, space-separated (the current
 * secret first, then a rotated-out one during its grace period). Receivers accept any one that
 * matches.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  public static String signature(
      String webhookId, long timestampSeconds, String payload, List<String> secrets) {
    return secrets.stream()
        .map(secret -> sign(secret, webhookId, timestampSeconds, payload))
        .collect(Collectors.joining(" "));
  }

  private static String sign(
      String secret, String webhookId, long timestampSeconds, String payload) {
    try {
      return new Webhook(secret).sign(webhookId, timestampSeconds, payload);
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("HMAC-SHA256 is required by every JVM", e);
    }
  }
}
