package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.Events;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Events as JSON messages on the events queue, for the webhook dispatcher. */
public final class SqsEvents implements Events {
  private final SqsClient sqs;
  private final String queueUrl;

  public SqsEvents(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void publish(Event event) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(toJson(event)));
  }

  /** The webhook body's fields plus the tenant the event belongs to. */
  public static String toJson(Event event) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("id", event.id());
    body.put("type", event.type().wireName());
    body.put("created_at", event.createdAt().toString());
    body.put("tenant_id", event.tenantId());
    body.set("data", event.data());
    return body.toString();
  }

  /** An event as {@link #toJson} wrote it. */
  public static Event fromJson(JsonNode body) {
    String type = text(body, "type");
    JsonNode data = body.get("data");
    if (data == null || !data.isObject()) {
      throw new IllegalArgumentException("data must be an object");
    }
    Instant createdAt;
    try {
      createdAt = Instant.parse(text(body, "created_at"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("created_at must be an ISO-8601 instant");
    }
    return new Event(
        text(body, "id"),
        text(body, "tenant_id"),
        EventType.fromWireName(type)
            .orElseThrow(() -> new IllegalArgumentException("unknown event type " + type)),
        createdAt,
        (ObjectNode) data);
  }

  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string");
    }
    return value.asText();
  }
}
