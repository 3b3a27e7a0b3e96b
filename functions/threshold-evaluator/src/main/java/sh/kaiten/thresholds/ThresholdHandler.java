package sh.kaiten.thresholds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import sh.kaiten.adapters.sqs.SqsThresholdSignals;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.thresholds.ThresholdEvaluator;

/**
 * The thresholds queue's consumer: each message is one signal from usage-api. A message that fails
 * is reported alone ({@code ReportBatchItemFailures}), so SQS retries only it and, after the
 * queue's {@code maxReceiveCount}, moves it to the dead-letter queue; the rest of the batch is done
 * once.
 */
@RegisterForReflection(
    targets = {
      SQSEvent.class,
      SQSEvent.SQSMessage.class,
      SQSEvent.MessageAttribute.class,
      SQSBatchResponse.class,
      SQSBatchResponse.BatchItemFailure.class
    })
public class ThresholdHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger LOG = Logger.getLogger(ThresholdHandler.class);

  @Inject ThresholdEvaluator evaluator;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      try {
        evaluate(message);
      } catch (RuntimeException e) {
        LOG.errorf(
            "threshold signal %s failed and will be retried: %s",
            message.getMessageId(), e.getMessage());
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  private void evaluate(SQSEvent.SQSMessage message) {
    for (Event fired : evaluator.evaluate(SqsThresholdSignals.fromJson(message.getBody()))) {
      LOG.infof(
          "signal %s fired %s %s for tenant %s",
          message.getMessageId(), fired.type().wireName(), fired.id(), fired.tenantId());
    }
  }
}
