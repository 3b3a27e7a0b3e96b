package sh.kaiten.domain.webhooks;

import java.util.List;

/**
 * A change to an endpoint (JSON Merge Patch): a null field is left as it is, except the
 * description, which {@code descriptionGiven} with a null {@code description} clears.
 */
public record WebhookPatch(
    String url, boolean descriptionGiven, String description, List<String> eventTypes) {}
