package sh.kaiten.billing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.billing.BillingSync;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.runtime.SideBySide;

/**
 * The billing queue's consumer: each message is what one usage write counted, sent to the tenant's
 * Stripe meters ({@link BillingSync}). A message not wholly sent is reported alone ({@code
 * ReportBatchItemFailures}) and comes back after the queue's visibility timeout; what it sent is
 * not sent again. The messages of a batch run side by side: calls for one customer and meter still
 * go one at a time (the delivery's lanes).
 */
@RegisterForReflection(
    targets = {
      SQSEvent.class,
      SQSEvent.SQSMessage.class,
      SQSEvent.MessageAttribute.class,
      SQSBatchResponse.class,
      SQSBatchResponse.BatchItemFailure.class,
      // stripe-java reads its answers and errors with gson, by reflection.
      com.stripe.model.billing.MeterEvent.class,
      com.stripe.model.StripeError.class
    })
public class BillingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger LOG = Logger.getLogger(BillingHandler.class);

  /** One thread per message of the largest batch the template asks for. */
  private static final int WORKERS = 10;

  private static final SideBySide MESSAGES = new SideBySide("billing-sync", WORKERS);

  @Inject BillingSync sync;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return new SQSBatchResponse(
        MESSAGES
            .unfinished(
                event.getRecords(),
                this::handle,
                (message, e) ->
                    LOG.errorf(
                        "message %s failed and will be retried: %s",
                        message.getMessageId(), e.getMessage()))
            .stream()
            .map(message -> new SQSBatchResponse.BatchItemFailure(message.getMessageId()))
            .toList());
  }

  /**
   * @return true when the message is done with
   */
  private boolean handle(SQSEvent.SQSMessage message) {
    AcceptedUsage usage = SqsUsageStream.fromJson(SqsDeliveryQueue.parse(message.getBody()));
    BillingSync.Result result = sync.sync(usage);
    if (result instanceof BillingSync.Result.Done done) {
      LOG.infof(
          "usage %s of tenant %s: %d sent, %d sent before, %d not sent per report",
          usage.id(), usage.tenantId(), done.sent(), done.alreadySent(), done.unmapped());
      return true;
    }
    LOG.warnf(
        "usage %s of tenant %s not all sent; it comes back from the queue: %s",
        usage.id(), usage.tenantId(), ((BillingSync.Result.Failed) result).reasons());
    return false;
  }
}
