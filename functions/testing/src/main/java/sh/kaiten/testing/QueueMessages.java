package sh.kaiten.testing;

import java.util.ArrayList;
import java.util.List;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.sqs.model.Message;

/** What a function sent to a queue of the test deployment, taken off it as its consumer would. */
public final class QueueMessages {
  private QueueMessages() {}

  /**
   * Takes every message off {@code queue} (the template's logical id) and answers the bodies that
   * contain {@code marker} (a test's tenant id), in the order they came; other tests' are dropped.
   */
  public static List<String> take(String queue, String marker) {
    LocalAws aws = LocalAwsResource.localAws();
    String url = aws.resources().ref(queue);
    List<String> bodies = new ArrayList<>();
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        if (message.body().contains(marker)) {
          bodies.add(message.body());
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return bodies;
  }
}
