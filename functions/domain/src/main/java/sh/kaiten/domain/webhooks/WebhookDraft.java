package sh.kaiten.domain.webhooks;

import java.util.List;

/** A new endpoint as asked for; checked by {@link Webhooks}. */
public record WebhookDraft(String url, String description, List<String> eventTypes) {}
