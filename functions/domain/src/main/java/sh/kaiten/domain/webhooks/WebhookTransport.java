package sh.kaiten.domain.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * Port: one signed POST of a payload to an endpoint. Never throws for the endpoint's failures: they
 * are the result.
 */
public interface WebhookTransport {
  /**
   * @param webhookId the {@code webhook-id} header
   * @param timestamp the {@code webhook-timestamp} header (seconds), also signed
   * @param secrets each adds one signature to {@code webhook-signature}
   */
  AttemptResult post(
      String url, String webhookId, Instant timestamp, String payload, List<String> secrets);
}
