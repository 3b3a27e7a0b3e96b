package sh.kaiten.domain.webhooks;

/** An endpoint with its signing secret, shown this once (on creation and on rotation). */
public record CreatedWebhook(WebhookEndpoint endpoint, String secret) {}
