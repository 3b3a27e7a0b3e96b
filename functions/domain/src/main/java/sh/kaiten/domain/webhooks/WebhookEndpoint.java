package sh.kaiten.domain.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a tenant wants its events: an https URL, the event types it subscribes to ({@code *} for
 * all), and the secret deliveries are signed with (Standard Webhooks, {@code whsec_<base64>}).
 * After a rotation the previous secret keeps signing beside the new one until {@code
 * previousSecretExpiresAt}, so a receiver can switch without losing a delivery.
 */
public record WebhookEndpoint(
    String id,
    String url,
    String description,
    List<String> eventTypes,
    String secret,
    String previousSecret,
    Instant previousSecretExpiresAt,
    Instant createdAt,
    Instant updatedAt) {

  public static final String ID_PREFIX = "wh";
  public static final String ALL_EVENTS = "*";

  public WebhookEndpoint {
    eventTypes = List.copyOf(eventTypes);
  }

  public boolean subscribes(String eventType) {
    return eventTypes.contains(ALL_EVENTS) || eventTypes.contains(eventType);
  }

  /** The secrets that sign a delivery made at {@code now}: the current one first. */
  public List<String> signingSecrets(Instant now) {
    List<String> secrets = new ArrayList<>(List.of(secret));
    if (previousSecret != null
        && previousSecretExpiresAt != null
        && now.isBefore(previousSecretExpiresAt)) {
      secrets.add(previousSecret);
    }
    return secrets;
  }

  WebhookEndpoint withSettings(
      String newUrl, String newDescription, List<String> newEventTypes, Instant now) {
    return new WebhookEndpoint(
        id,
        newUrl,
        newDescription,
        newEventTypes,
        secret,
        previousSecret,
        previousSecretExpiresAt,
        createdAt,
        now);
  }

  WebhookEndpoint withSecret(String newSecret, Instant previousUntil, Instant now) {
    return new WebhookEndpoint(
        id, url, description, eventTypes, newSecret, secret, previousUntil, createdAt, now);
  }
}
