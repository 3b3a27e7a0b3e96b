package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import sh.kaiten.domain.events.Event;
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
}
