package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.events.EventsContract;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SQS events keep the port's contract, on ElasticMQ with the template's events queue, read as
 * the dispatcher reads it.
 */
class SqsEventsContractTest extends EventsContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalAws aws;
  private static String queue;

  /** Events read off the queue that belong to a tenant whose test has not asked yet. */
  private static final List<Event> readAhead = new ArrayList<>();

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    queue = aws.resources().ref("EventsQueue");
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Override
  protected Events events() {
    return new SqsEvents(aws.sqs(), queue);
  }

  @Override
  protected List<Event> published(String tenantId) {
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        readAhead.add(SqsEvents.fromJson(parse(message.body())));
        aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    List<Event> taken =
        readAhead.stream().filter(event -> event.tenantId().equals(tenantId)).toList();
    readAhead.removeAll(taken);
    return taken;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON on the events queue: " + body, e);
    }
  }
}
