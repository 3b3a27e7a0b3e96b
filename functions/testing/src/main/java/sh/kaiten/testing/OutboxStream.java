package sh.kaiten.testing;

import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.local.aws.TableStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Stands in for outbox-publisher in the tests of other functions: reads the Outbox table's stream
 * on from where it was read last and puts each new item's message onto its queue (the events queue,
 * the deliveries queue for an item marked so: a webhook delivery round, or the billing queue for
 * what a usage write counted), as the stream's event source mapping and the publisher do on Lambda
 * (outbox-publisher's own tests drive the real handler). One reader serves every test class of the
 * JVM. A send can be made to fail, as an events queue that is down would: the batch then stops at
 * that record and is read again from it next time, as a partial batch failure makes Lambda do.
 */
public final class OutboxStream {
  private static TableStream stream;
  private static String failNextSendOf;

  private OutboxStream() {}

  /**
   * The next send of a message of {@code tenantId} (an event or a delivery ticket) fails (once).
   */
  public static synchronized void failNextSendOf(String tenantId) {
    failNextSendOf = tenantId;
  }

  /**
   * Publishes what the outbox received since the last call.
   *
   * @return false when a send failed: what came before it went out, it and what follows are left
   *     for the next call
   */
  public static synchronized boolean publish() {
    LocalAws aws = LocalAwsResource.localAws();
    if (stream == null) {
      stream =
          new TableStream(
              aws.streams(),
              aws.resources().attribute("OutboxTable", "StreamArn"),
              LocalAws.REGION);
    }
    String events = aws.resources().ref("EventsQueue");
    String deliveries = aws.resources().ref("DeliveriesQueue");
    String billing = aws.resources().ref("BillingQueue");
    for (TableStream.Batch batch = stream.next(100);
        !batch.records().isEmpty();
        batch = stream.next(100)) {
      for (Record record : batch.records()) {
        if (record.eventName() == OperationType.INSERT) {
          AttributeValue tenant = record.dynamodb().newImage().get("tenant_id");
          if (failNextSendOf != null && tenant != null && failNextSendOf.equals(tenant.s())) {
            failNextSendOf = null;
            batch.failedFrom(record.dynamodb().sequenceNumber());
            return false;
          }
          AttributeValue message = record.dynamodb().newImage().get("message");
          AttributeValue queue = record.dynamodb().newImage().get("queue");
          String url =
              queue == null
                  ? events
                  : switch (queue.s()) {
                    case "deliveries" -> deliveries;
                    case "billing" -> billing;
                    default -> events;
                  };
          aws.sqs().sendMessage(r -> r.queueUrl(url).messageBody(message.s()));
        }
      }
      batch.done();
    }
    return true;
  }
}
