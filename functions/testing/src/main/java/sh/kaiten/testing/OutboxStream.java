package sh.kaiten.testing;

import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.local.aws.TableStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Stands in for outbox-publisher in the tests of other functions: reads the Outbox table's stream on
 * from where it was read last and puts each new item's event onto the events queue, as the stream's
 * event source mapping and the publisher do on Lambda (outbox-publisher's own tests drive the real
 * handler). One reader serves every test class of the JVM.
 */
public final class OutboxStream {
  private static TableStream stream;

  private OutboxStream() {}

  /** Publishes what the outbox received since the last call. */
  public static synchronized void publish() {
    LocalAws aws = LocalAwsResource.localAws();
    if (stream == null) {
      stream = new TableStream(aws.streams(), aws.resources().attribute("OutboxTable", "StreamArn"), LocalAws.REGION);
    }
    String queue = aws.resources().ref("EventsQueue");
    for (TableStream.Batch batch = stream.next(100); !batch.records().isEmpty(); batch = stream.next(100)) {
      for (Record record : batch.records()) {
        if (record.eventName() == OperationType.INSERT) {
          AttributeValue message = record.dynamodb().newImage().get("message");
          aws.sqs().sendMessage(r -> r.queueUrl(queue).messageBody(message.s()));
        }
      }
      batch.done();
    }
  }
}
