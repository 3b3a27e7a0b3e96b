package sh.kaiten.adapters.sqs;

import java.util.Map;
import sh.kaiten.domain.operations.QueueDepths;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The depths of the deployment's queues: SQS' {@code ApproximateNumberOfMessages}. */
public final class SqsQueueDepths implements QueueDepths {
  private final SqsClient sqs;
  private final Map<Backlog, String> queueUrls;

  /**
   * @param queueUrls the URL of each queue asked about
   */
  public SqsQueueDepths(SqsClient sqs, Map<Backlog, String> queueUrls) {
    this.sqs = sqs;
    this.queueUrls = Map.copyOf(queueUrls);
  }

  @Override
  public long depth(Backlog backlog) {
    String url = queueUrls.get(backlog);
    if (url == null) {
      throw new IllegalStateException("no queue URL for " + backlog);
    }
    String count =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    return count == null ? 0 : Long.parseLong(count);
  }
}
