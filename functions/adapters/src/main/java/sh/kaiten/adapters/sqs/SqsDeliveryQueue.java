package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import sh.kaiten.domain.webhooks.DeliveryQueue;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The deliveries queue: {@code {"tenant_id","endpoint_id","delivery_id","generation"}} per message.
 * A failed attempt leaves its message on the queue, hidden for the retry delay; after the queue's
 * {@code maxReceiveCount} receives SQS moves it to the dead-letter queue.
 */
public final class SqsDeliveryQueue implements DeliveryQueue {
  /** SQS's limit for a visibility timeout. */
  static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsDeliveryQueue(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void enqueue(DeliveryTicket ticket) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(toJson(ticket)));
  }

  /**
   * Hides a received message for {@code delay} (whole seconds, rounded up): its next attempt comes
   * then.
   */
  public void retryAfter(String receiptHandle, Duration delay) {
    long seconds = Math.min(MAX_VISIBILITY.toSeconds(), (delay.toMillis() + 999) / 1000);
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout((int) seconds));
  }

  public static String toJson(DeliveryTicket ticket) {
    ObjectNode body = JSON.createObjectNode();
    body.put("tenant_id", ticket.tenantId());
    body.put("endpoint_id", ticket.endpointId());
    body.put("delivery_id", ticket.deliveryId());
    body.put("generation", ticket.generation());
    return body.toString();
  }

  /**
   * Whether a received message came from this queue, told by its record's {@code eventSourceARN}:
   * an SQS queue's ARN ends in its name ({@code arn:aws:sqs:region:account:name}), as its URL does
   * ({@code .../account/name}).
   */
  public boolean isSourceOf(String eventSourceArn) {
    return eventSourceArn != null
        && eventSourceArn
            .substring(eventSourceArn.lastIndexOf(':') + 1)
            .equals(queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
  }

  public static DeliveryTicket fromJson(JsonNode body) {
    JsonNode generation = body.get("generation");
    if (generation == null || !generation.canConvertToInt() || generation.intValue() < 0) {
      throw new IllegalArgumentException("generation must be a whole number >= 0");
    }
    return new DeliveryTicket(
        SqsEvents.text(body, "tenant_id"),
        SqsEvents.text(body, "endpoint_id"),
        SqsEvents.text(body, "delivery_id"),
        generation.intValue());
  }

  public static JsonNode parse(String message) {
    try {
      JsonNode body = JSON.readTree(message);
      if (body == null || !body.isObject()) {
        throw new IllegalArgumentException("a message must be a JSON object");
      }
      return body;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a message must be a JSON object: " + e.getOriginalMessage());
    }
  }
}
