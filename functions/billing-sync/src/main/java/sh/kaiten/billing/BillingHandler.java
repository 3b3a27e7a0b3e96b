package sh.kaiten.billing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import sh.kaiten.adapters.sqs.SqsBillingJobs;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.BillingSync;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeReconciliation;
import sh.kaiten.domain.billing.TrailReplay;
import sh.kaiten.domain.outbox.AcceptedReport;
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
      com.stripe.model.StripeError.class,
      // ... and the reads of reconciliation: meters and their event summaries, in lists.
      com.stripe.model.StripeCollection.class,
      com.stripe.model.billing.Meter.class,
      com.stripe.model.billing.Meter.CustomerMapping.class,
      com.stripe.model.billing.Meter.DefaultAggregation.class,
      com.stripe.model.billing.Meter.StatusTransitions.class,
      com.stripe.model.billing.Meter.ValueSettings.class,
      com.stripe.model.billing.MeterEventSummary.class
    })
public class BillingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger LOG = Logger.getLogger(BillingHandler.class);

  /** One thread per message of the largest batch the template asks for. */
  private static final int WORKERS = 10;

  private static final SideBySide MESSAGES = new SideBySide("billing-sync", WORKERS);

  @Inject BillingSync sync;
  @Inject TrailReplay replay;
  @Inject StripeReconciliation reconciliation;
  @Inject StripeActivity activity;
  @Inject Clock clock;

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    Set<String> superseded = superseded(event.getRecords());
    return new SQSBatchResponse(
        MESSAGES
            .unfinished(
                event.getRecords(),
                message -> handle(message, superseded),
                (message, e) ->
                    LOG.errorf(
                        "message %s failed and will be retried: %s",
                        message.getMessageId(), e.getMessage()))
            .stream()
            .map(message -> new SQSBatchResponse.BatchItemFailure(message.getMessageId()))
            .toList());
  }

  /**
   * The batch's reports of a {@code last} meter whose value a later one of the same counter in the
   * batch supersedes, so only that one is sent ({@link BillingSync#superseded}); none when the
   * batch cannot be read for it (then each message sends its own values).
   */
  private Set<String> superseded(List<SQSEvent.SQSMessage> messages) {
    List<AcceptedUsage> batch = new ArrayList<>(messages.size());
    for (SQSEvent.SQSMessage message : messages) {
      try {
        JsonNode body = SqsDeliveryQueue.parse(message.getBody());
        if (!SqsBillingJobs.isJob(body)) {
          batch.add(SqsUsageStream.fromJson(body));
        }
      } catch (IllegalArgumentException malformed) {
        // handle() fails it on its own
      }
    }
    if (batch.size() < 2) {
      return Set.of();
    }
    try {
      return sync.superseded(batch);
    } catch (RuntimeException e) {
      LOG.warnf("the batch's values are each sent: its connectors could not be read: %s", e);
      return Set.of();
    }
  }

  /**
   * @param superseded reports of the batch not to send ({@link #superseded})
   * @return true when the message is done with
   */
  private boolean handle(SQSEvent.SQSMessage message, Set<String> superseded) {
    JsonNode body = SqsDeliveryQueue.parse(message.getBody());
    if (SqsBillingJobs.isJob(body)) {
      return run(SqsBillingJobs.fromJson(body));
    }
    AcceptedUsage usage = SqsUsageStream.fromJson(body);
    BillingSync.Result result = sync.sync(usage, superseded);
    record(usage, result);
    if (result instanceof BillingSync.Result.Done done) {
      LOG.infof(
          "usage %s of tenant %s: %d sent, %d sent before, %d not mapped, %d values superseded"
              + " by a later one",
          usage.id(),
          usage.tenantId(),
          done.sent(),
          done.alreadySent(),
          done.unmapped(),
          done.superseded());
      return true;
    }
    LOG.warnf(
        "usage %s of tenant %s not all sent; it comes back from the queue: %s",
        usage.id(), usage.tenantId(), ((BillingSync.Result.Failed) result).reasons());
    return false;
  }

  /**
   * The tenant's Stripe activity, for its status page: a message that sent something, or one that
   * failed (only a tenant with a connector fails). The message's fate does not hang on it.
   */
  private void record(AcceptedUsage usage, BillingSync.Result result) {
    Instant newest =
        usage.reports().stream()
            .map(AcceptedReport::reportedAt)
            .max(Comparator.naturalOrder())
            .orElse(null);
    try {
      if (result instanceof BillingSync.Result.Done done && done.sent() > 0) {
        activity.sent(usage.tenantId(), done.sent(), newest, clock.instant());
      } else if (result instanceof BillingSync.Result.Failed failed) {
        activity.failed(
            usage.tenantId(), String.join("; ", failed.reasons()), newest, clock.instant());
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "usage %s of tenant %s: its status was not recorded: %s",
          usage.id(), usage.tenantId(), e.getMessage());
    }
  }

  /** One page of a job; the log says what it sent, and, on its last page, what the job did. */
  private boolean run(BillingJob job) {
    if (job instanceof BillingJob.Reconciliation reconcile) {
      return reconcile(reconcile);
    }
    TrailReplay.Result result = replay.run(job);
    if (result instanceof TrailReplay.Result.Failed failed) {
      LOG.warnf(
          "%s not all sent; it comes back from the queue: %s", describe(job), failed.reasons());
      return false;
    }
    boolean last = result instanceof TrailReplay.Result.Finished;
    BillingJob.Progress done =
        last
            ? ((TrailReplay.Result.Finished) result).job().progress()
            : ((TrailReplay.Result.Continued) result).next().progress();
    LOG.infof(
        "%s %s: %d pages of the audit trail, %d counted reports, %d sent to Stripe now, %d sent"
            + " before",
        describe(job),
        last ? "done" : "goes on",
        done.pages(),
        done.reports(),
        done.sent(),
        done.alreadySent());
    return true;
  }

  /** One step of a reconciliation; the log says what its last step found. */
  private boolean reconcile(BillingJob.Reconciliation job) {
    StripeReconciliation.Result result = reconciliation.run(job);
    String run = "reconciliation " + job.runId() + " of tenant " + job.tenantId();
    if (result instanceof StripeReconciliation.Result.Failed failed) {
      LOG.warnf("%s failed; it comes back from the queue: %s", run, failed.reason());
      return false;
    }
    if (result instanceof StripeReconciliation.Result.Continued continued) {
      BillingJob.Reconciliation next = continued.next();
      LOG.infof(
          "%s goes on: %d pages of the audit trail, %d customer meters compared",
          run, next.progress().pages(), next.findings().compared());
      return true;
    }
    var finished = (StripeReconciliation.Result.Finished) result;
    if (finished.report().isEmpty()) {
      LOG.infof("%s: recorded before, or no connector; nothing recorded now", run);
      return true;
    }
    ReconciliationReport report = finished.report().get();
    LOG.infof(
        "%s of %s to %s done: %d counted reports, %d customer meters compared, %d differences",
        run,
        report.windowStart(),
        report.windowEnd(),
        report.reports(),
        report.compared(),
        report.differenceCount());
    return true;
  }

  private static String describe(BillingJob job) {
    if (job instanceof BillingJob.PeriodFlush flush) {
      return "flush of the period "
          + flush.periodStart()
          + " to "
          + flush.periodEnd()
          + " of "
          + flush.entitlement()
          + " for "
          + flush.holder()
          + " (tenant "
          + flush.tenantId()
          + ")";
    }
    BillingJob.Backfill backfill = (BillingJob.Backfill) job;
    return "backfill of "
        + backfill.from()
        + " to "
        + backfill.to()
        + " (tenant "
        + backfill.tenantId()
        + ")";
  }
}
