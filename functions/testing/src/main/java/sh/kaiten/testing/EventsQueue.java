package sh.kaiten.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.sqs.model.Message;

/** The events queue of the test deployment, as the webhook dispatcher would read it. */
public final class EventsQueue {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventsQueue() {}

  /**
   * Takes every event off the queue and answers the tenant's, in the order they came; the events
   * the outbox holds are published first ({@link OutboxStream}).
   */
  public static List<JsonNode> take(String tenantId) {
    OutboxStream.publish();
    LocalAws aws = LocalAwsResource.localAws();
    String queue = aws.resources().ref("EventsQueue");
    List<JsonNode> events = new ArrayList<>();
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        JsonNode event = parse(message.body());
        if (event.path("tenant_id").asText().equals(tenantId)) {
          events.add(event);
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return events;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON on the events queue: " + body, e);
    }
  }
}
