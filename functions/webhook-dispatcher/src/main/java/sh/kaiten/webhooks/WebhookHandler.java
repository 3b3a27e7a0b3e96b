package sh.kaiten.webhooks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsEvents;
import sh.kaiten.domain.crm.CrmPushes;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.webhooks.AttemptOutcome;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookDispatch;
import sh.kaiten.runtime.SideBySide;

/**
 * Consumes two queues, told apart by each record's {@code eventSourceARN}. An events-queue message
 * is fanned out: one delivery per subscribed endpoint, each its own deliveries-queue message; a
 * usage event also pushes its customer's usage properties to the tenant's CRM connector, if any
 * ({@link CrmPushes}), a delivery like the others. A deliveries-queue message is one attempt; a
 * failed one stays on the queue, hidden for its retry delay, and is reported alone ({@code
 * ReportBatchItemFailures}); after the last attempt SQS moves it to the dead-letter queue. The
 * messages of a batch run side by side, so a slow endpoint does not hold up the others.
 */
@RegisterForReflection(
    targets = {
      SQSEvent.class,
      SQSEvent.SQSMessage.class,
      SQSEvent.MessageAttribute.class,
      SQSBatchResponse.class,
      SQSBatchResponse.BatchItemFailure.class
    })
public class WebhookHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger LOG = Logger.getLogger(WebhookHandler.class);

  /** One thread per message of the largest batch the template asks for. */
  private static final int WORKERS = 10;

  private static final SideBySide MESSAGES = new SideBySide("webhook-delivery", WORKERS);

  @Inject WebhookDispatch dispatch;
  @Inject SqsDeliveryQueue deliveries;
  @Inject CrmPushes crm;

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
    JsonNode body = SqsDeliveryQueue.parse(message.getBody());
    if (!deliveries.isSourceOf(message.getEventSourceArn())) {
      Event event = SqsEvents.fromJson(body);
      for (Delivery delivery : dispatch.fanOut(event)) {
        LOG.infof(
            "event %s %s for tenant %s: delivery %s to webhook %s",
            event.id(),
            event.type().wireName(),
            event.tenantId(),
            delivery.id(),
            delivery.endpointId());
      }
      crm.onEvent(event)
          .ifPresent(
              push ->
                  LOG.infof(
                      "event %s %s for tenant %s: CRM push %s",
                      event.id(), event.type().wireName(), event.tenantId(), push.id()));
      return true;
    }
    DeliveryTicket ticket = SqsDeliveryQueue.fromJson(body);
    int attempt = receiveCount(message);
    AttemptOutcome outcome = dispatch.attempt(ticket, attempt);
    switch (outcome.next()) {
      case DONE -> {
        return true;
      }
      case RETRY -> {
        LOG.infof(
            "delivery %s attempt %d failed; next in %s",
            ticket.deliveryId(), attempt, outcome.retryAfter());
        hide(message, outcome.retryAfter());
        return false;
      }
      default -> {
        LOG.warnf(
            "delivery %s failed its last attempt (%d); it goes to the dead-letter queue",
            ticket.deliveryId(), attempt);
        // Visible at once: the next receive is past maxReceiveCount, so SQS moves it to the
        // dead-letter queue.
        hide(message, Duration.ZERO);
        return false;
      }
    }
  }

  /**
   * The retry delay, as the message's visibility. Should this fail, the queue's own visibility
   * timeout applies.
   */
  private void hide(SQSEvent.SQSMessage message, Duration delay) {
    try {
      deliveries.retryAfter(message.getReceiptHandle(), delay);
    } catch (RuntimeException e) {
      LOG.warnf(
          "could not delay message %s by %s (the queue's visibility timeout applies): %s",
          message.getMessageId(), delay, e.getMessage());
    }
  }

  private static int receiveCount(SQSEvent.SQSMessage message) {
    String count =
        message.getAttributes() == null
            ? null
            : message.getAttributes().get("ApproximateReceiveCount");
    try {
      return count == null ? 1 : Math.max(1, Integer.parseInt(count));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
