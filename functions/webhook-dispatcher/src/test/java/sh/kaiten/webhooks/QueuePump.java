package sh.kaiten.webhooks;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.testing.LocalAwsResource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mappings do, one round at a time: receive what is visible on the
 * events and deliveries queues, hand each batch to the function (the mock event server), delete
 * what succeeded and leave what failed to the queue (its visibility, as the handler set it, and its
 * redrive policy to the dead-letter queue).
 */
final class QueuePump {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QueuePump() {}

  static String queue(String logicalId) {
    return LocalAwsResource.localAws().resources().ref(logicalId);
  }

  /** One round over both queues. */
  static void round() {
    deliverBatch("EventsQueue");
    deliverBatch("DeliveriesQueue");
  }

  private static void deliverBatch(String logicalId) {
    LocalAws aws = LocalAwsResource.localAws();
    String url = queue(logicalId);
    List<Message> batch =
        aws.sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
            .messages();
    if (batch.isEmpty()) {
      return;
    }
    Set<String> failed = new HashSet<>();
    invoke(event(batch, logicalId))
        .path("batchItemFailures")
        .forEach(failure -> failed.add(failure.path("itemIdentifier").asText()));
    for (Message message : batch) {
      if (!failed.contains(message.messageId())) {
        aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    }
  }

  /** The messages on a queue now (taken off it), e.g. the dead-letter queue. */
  static List<JsonNode> take(String logicalId) {
    LocalAws aws = LocalAwsResource.localAws();
    String url = queue(logicalId);
    List<JsonNode> bodies = new ArrayList<>();
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        bodies.add(parse(message.body()));
        aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return bodies;
  }

  static JsonNode invoke(String event) {
    return parse(
        given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString());
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static String event(List<Message> batch, String logicalId) {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (Message message : batch) {
      ObjectNode record = records.addObject();
      record.put("messageId", message.messageId());
      record.put("receiptHandle", message.receiptHandle());
      record.put("body", message.body());
      ObjectNode attributes = record.putObject("attributes");
      message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
      record.putObject("messageAttributes");
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", "arn:aws:sqs:" + LocalAws.REGION + ":000000000000:" + logicalId);
      record.put("awsRegion", LocalAws.REGION);
    }
    return event.toString();
  }
}
