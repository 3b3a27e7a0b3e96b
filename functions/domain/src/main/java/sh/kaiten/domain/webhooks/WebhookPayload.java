package sh.kaiten.domain.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import sh.kaiten.domain.events.Event;

/**
 * The body a receiver gets: {@code {"id","type","created_at","data"}} (no tenant: the endpoint is
 * the tenant's).
 */
public final class WebhookPayload {
  private WebhookPayload() {}

  public static String of(Event event) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("id", event.id());
    body.put("type", event.type().wireName());
    body.put("created_at", event.createdAt().toString());
    body.set("data", event.data());
    return body.toString();
  }
}
