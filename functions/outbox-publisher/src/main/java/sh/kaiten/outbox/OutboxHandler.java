package sh.kaiten.outbox;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import sh.kaiten.adapters.dynamodb.ChangeItems;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsEvents;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.outbox.OutboxRelay;

/**
 * The Outbox table's stream consumer: each new item is one event of a control-plane change, stored
 * with the change; it goes onto the events queue with the id it was stored with. An item marked for
 * the deliveries queue is a webhook delivery round (a test event, a redelivery) stored with its
 * delivery: its ticket goes onto the deliveries queue; one marked for the billing queue is what a
 * usage write counted, and goes onto the billing queue. Records that are not new items (TTL
 * expiries) are passed over. When an event cannot be published, the batch is answered as failed
 * from that record on ({@code ReportBatchItemFailures}): Lambda hands the stream over again from
 * there, so events stay in order and none is skipped; what went out before is not sent again. A
 * record that can never be published (not an event) fails alone until the mapping's retries run out
 * and its position goes to the on-failure destination.
 */
@RegisterForReflection(
    targets = {
      DynamodbEvent.class,
      DynamodbEvent.DynamodbStreamRecord.class,
      StreamRecord.class,
      AttributeValue.class,
      Identity.class,
      StreamsEventResponse.class,
      StreamsEventResponse.BatchItemFailure.class
    })
public class OutboxHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private static final Logger LOG = Logger.getLogger(OutboxHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSERT = "INSERT";

  @Inject OutboxRelay<Outgoing> relay;

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    List<DynamodbEvent.DynamodbStreamRecord> records =
        event.getRecords() == null ? List.of() : event.getRecords();
    List<Outgoing> events = new ArrayList<>();
    List<String> positions = new ArrayList<>();
    for (DynamodbEvent.DynamodbStreamRecord record : records) {
      if (!INSERT.equals(record.getEventName())) {
        continue;
      }
      String position = record.getDynamodb().getSequenceNumber();
      try {
        events.add(outgoing(record.getDynamodb().getNewImage()));
        positions.add(position);
      } catch (RuntimeException e) {
        // Everything before it is published; from it on, the batch comes again.
        LOG.errorf("outbox record %s is not an event: %s", position, e.getMessage());
        return failedFrom(events, positions, position);
      }
    }
    return failedFrom(events, positions, null);
  }

  /**
   * Publishes {@code events}; the first that fails, else {@code unreadable}, is where the stream
   * resumes.
   */
  private StreamsEventResponse failedFrom(
      List<Outgoing> events, List<String> positions, String unreadable) {
    OutboxRelay.Relayed relayed = relay.relay(events);
    String resumeAt = unreadable;
    if (relayed.failure().isPresent()) {
      resumeAt = positions.get(relayed.published());
      LOG.errorf(
          "%s could not be published and will be retried: %s",
          events.get(relayed.published()).describe(), relayed.failure().get().getMessage());
    }
    for (int i = 0; i < relayed.published(); i++) {
      LOG.infof("published %s", events.get(i).describe());
    }
    List<StreamsEventResponse.BatchItemFailure> failures =
        resumeAt == null ? List.of() : List.of(new StreamsEventResponse.BatchItemFailure(resumeAt));
    return new StreamsEventResponse(failures);
  }

  private static Outgoing outgoing(Map<String, AttributeValue> image) {
    AttributeValue message = image == null ? null : image.get(ChangeItems.MESSAGE);
    if (message == null || message.getS() == null) {
      throw new IllegalArgumentException("the item has no " + ChangeItems.MESSAGE);
    }
    JsonNode body;
    try {
      body = JSON.readTree(message.getS());
    } catch (IOException e) {
      throw new IllegalArgumentException("its message is not JSON");
    }
    AttributeValue queue = image.get(ChangeItems.QUEUE);
    if (queue != null && ChangeItems.DELIVERIES.equals(queue.getS())) {
      return new Outgoing.Dispatch(SqsDeliveryQueue.fromJson(body));
    }
    if (queue != null && ChangeItems.BILLING.equals(queue.getS())) {
      return new Outgoing.Counted(SqsUsageStream.fromJson(body));
    }
    return new Outgoing.Announcement(SqsEvents.fromJson(body));
  }
}
