package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Webhooks table's items: an endpoint and a delivery, each to its item and back. The endpoint
 * item holds its signing secret: it must be readable to sign, so it cannot be hashed like tokens;
 * the table is encrypted at rest and no API answer shows it after creation.
 */
final class WebhookItems {
  /** How long a delivery stays in the log. */
  static final Duration LOG_RETENTION = Duration.ofDays(30);

  private WebhookItems() {}

  static Map<String, AttributeValue> item(String tenantId, WebhookEndpoint endpoint) {
    Map<String, AttributeValue> item = TenantItems.key(tenantId, Keys.ENDPOINT + endpoint.id());
    item.put("id", s(endpoint.id()));
    item.put("url", s(endpoint.url()));
    if (endpoint.description() != null) {
      item.put("description", s(endpoint.description()));
    }
    item.put(
        "event_types",
        AttributeValue.fromL(endpoint.eventTypes().stream().map(Attributes::s).toList()));
    item.put("secret", s(endpoint.secret()));
    if (endpoint.previousSecret() != null) {
      item.put("previous_secret", s(endpoint.previousSecret()));
      item.put("previous_secret_expires_at", instant(endpoint.previousSecretExpiresAt()));
    }
    item.put("created_at", instant(endpoint.createdAt()));
    item.put("updated_at", instant(endpoint.updatedAt()));
    return item;
  }

  static WebhookEndpoint endpoint(Map<String, AttributeValue> item) {
    return new WebhookEndpoint(
        string(item, "id"),
        string(item, "url"),
        string(item, "description"),
        item.get("event_types").l().stream().map(AttributeValue::s).toList(),
        string(item, "secret"),
        string(item, "previous_secret"),
        instant(item, "previous_secret_expires_at"),
        instant(item, "created_at"),
        instant(item, "updated_at"));
  }

  static Map<String, AttributeValue> item(String tenantId, Delivery delivery) {
    Map<String, AttributeValue> item =
        TenantItems.key(tenantId, Keys.delivery(delivery.endpointId(), delivery.id()));
    item.put("id", s(delivery.id()));
    item.put("endpoint_id", s(delivery.endpointId()));
    item.put("event_id", s(delivery.eventId()));
    item.put("event_type", s(delivery.eventType()));
    item.put("payload", s(delivery.payload()));
    item.put("status", s(delivery.status().name()));
    item.put("attempts", n(delivery.attempts()));
    item.put("generation", n(delivery.generation()));
    item.put("enqueued", AttributeValue.fromBool(delivery.enqueued()));
    item.put("created_at", instant(delivery.createdAt()));
    item.put("updated_at", instant(delivery.updatedAt()));
    item.put("expires_at", expiry(delivery.createdAt()));
    return item;
  }

  static Delivery delivery(Map<String, AttributeValue> item) {
    return new Delivery(
        string(item, "id"),
        string(item, "endpoint_id"),
        string(item, "event_id"),
        string(item, "event_type"),
        string(item, "payload"),
        DeliveryStatus.valueOf(string(item, "status")),
        number(item, "attempts").intValue(),
        nullableInt(item, "last_response_code"),
        item.containsKey("last_latency_ms") ? number(item, "last_latency_ms") : null,
        string(item, "last_error"),
        number(item, "generation").intValue(),
        Boolean.TRUE.equals(item.get("enqueued").bool()),
        instant(item, "created_at"),
        instant(item, "updated_at"));
  }

  private static Long number(Map<String, AttributeValue> item, String name) {
    return Attributes.decimal(item, name).longValueExact();
  }

  private static Integer nullableInt(Map<String, AttributeValue> item, String name) {
    return item.containsKey(name) ? number(item, name).intValue() : null;
  }

  static AttributeValue expiry(Instant from) {
    return n(from.plus(LOG_RETENTION).getEpochSecond());
  }
}
