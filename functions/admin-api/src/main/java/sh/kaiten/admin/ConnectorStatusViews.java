package sh.kaiten.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.StripeConnectorStatus;
import sh.kaiten.domain.billing.StripeReconciliation;
import sh.kaiten.domain.crm.CrmConnectorStatus;

/** The connectors' status pages as answered: the operator view of each. */
final class ConnectorStatusViews {
  private ConnectorStatusViews() {}

  /** Seconds, to the millisecond; null stays null. */
  static BigDecimal seconds(Duration duration) {
    return duration == null ? null : BigDecimal.valueOf(duration.toMillis(), 3);
  }

  @RegisterForReflection
  record StripeStatusView(
      String type,
      Instant lastSentAt,
      @Schema(description = "Meter events Stripe accepted, in all") long sent,
      Instant lastReportSentAt,
      Instant lastReportSeenAt,
      @Schema(
              description =
                  "How far the newest report sent is behind the newest received, in seconds (0 when"
                      + " caught up; null until something was received and sent)")
          BigDecimal lagSeconds,
      @Schema(description = "Messages not wholly sent (each comes back from the queue)")
          long errors,
      String lastError,
      Instant lastErrorAt,
      @Schema(description = "Messages on the deployment's billing queue (every tenant's)")
          long billingQueueDepth,
      @Schema(
              description =
                  "Messages in the deployment's billing dead-letter queue (every tenant's)")
          long billingDeadLetterQueueDepth,
      // The latest reconciliation with Stripe's meter event summaries; null before the first (no
      // description: beside a $ref it would make the schema an object that cannot be null).
      ReconciliationView lastReconciliation) {
    static StripeStatusView of(StripeConnectorStatus.Status status) {
      var activity = status.activity();
      return new StripeStatusView(
          "stripe",
          activity.lastSentAt(),
          activity.sent(),
          activity.lastReportSentAt(),
          activity.lastReportSeenAt(),
          seconds(status.lag()),
          activity.errors(),
          activity.lastError(),
          activity.lastErrorAt(),
          status.queueDepth(),
          status.deadLetterDepth(),
          ReconciliationView.of(status.lastReconciliation()));
    }
  }

  @RegisterForReflection
  record ReconciliationView(
      @Schema(description = "daily:<day> for the scheduler's, requested:<id> for an admin's")
          String runId,
      Instant windowStart,
      Instant windowEnd,
      Instant finishedAt,
      @Schema(description = "Counted reports of the window read from the audit trail") int reports,
      @Schema(description = "Customer and meter pairs compared with Stripe") int compared,
      @Schema(description = "Pairs that differ, all of them") int differenceCount,
      @Schema(description = "The first 25 differences, in customer and entitlement order")
          List<DifferenceView> differences,
      @Schema(description = "What was not compared, and why") List<String> notCompared,
      @Schema(
              description =
                  "The mapped meters that cannot bill what Kaiten sends them (missing at Stripe,"
                      + " or of another formula), by entitlement: their pairs are not compared")
          List<MeterFindingView> meterFindings) {
    static ReconciliationView of(ReconciliationReport report) {
      if (report == null) {
        return null;
      }
      return new ReconciliationView(
          report.runId(),
          report.windowStart(),
          report.windowEnd(),
          report.finishedAt(),
          report.reports(),
          report.compared(),
          report.differenceCount(),
          report.differences().stream().map(DifferenceView::of).toList(),
          report.notCompared(),
          report.meterFindings().stream().map(MeterFindingView::of).toList());
    }
  }

  @RegisterForReflection
  record MeterFindingView(
      String entitlement,
      @Schema(description = "The mapping's Stripe meter event_name") String eventName,
      @Schema(
              description =
                  "no_active_meter: Stripe has no active meter of event_name; wrong_formula: its"
                      + " meter's default_aggregation.formula does not bill what Kaiten sends",
              enumeration = {"no_active_meter", "wrong_formula"})
          String problem,
      @Schema(description = "The meter found (mtr_...); null when none") String meterId,
      @Schema(
              description =
                  "The meter's default_aggregation.formula; null without a meter (or one Kaiten"
                      + " does not know)")
          String formula,
      @Schema(
              description =
                  "The formulas that bill what Kaiten sends: sum for SUM, count or sum for COUNT,"
                      + " last for MAX, MIN, AVERAGE and LATEST")
          List<String> formulasNeeded) {
    static MeterFindingView of(ReconciliationReport.MeterFinding finding) {
      return new MeterFindingView(
          finding.entitlement(),
          finding.eventName(),
          StripeReconciliation.problem(finding),
          finding.meterId(),
          StripeReconciliation.wire(finding.formula()),
          finding.needed().stream().map(StripeReconciliation::wire).toList());
    }
  }

  @RegisterForReflection
  record DifferenceView(
      String customerId,
      String stripeCustomerId,
      String entitlement,
      String eventName,
      @Schema(
              description =
                  "What Kaiten counted, scaled as sent to Stripe (a last meter's latest event's"
                      + " value); null when a last meter was sent no event in the window")
          BigDecimal kaitenValue,
      @Schema(
              description =
                  "Stripe's aggregated value (0 without events of a sum or count meter); null when"
                      + " Stripe has no event of a last meter, and in results recorded before a"
                      + " missing meter was a meter finding")
          BigDecimal stripeValue) {
    static DifferenceView of(ReconciliationReport.Difference difference) {
      return new DifferenceView(
          difference.customerId(),
          difference.stripeCustomerId(),
          difference.entitlement(),
          difference.eventName(),
          difference.kaiten(),
          difference.stripe());
    }
  }

  @RegisterForReflection
  record CrmStatusView(
      String type,
      @Schema(description = "How many of the latest pushes these figures are over (at most 200)")
          int pushes,
      Instant lastSentAt,
      @Schema(description = "Pushes still being tried") int pending,
      @Schema(description = "How long the oldest pending push has waited, in seconds (0: none)")
          BigDecimal lagSeconds,
      @Schema(description = "Pushes that failed their last attempt") int failed,
      String lastError,
      Instant lastErrorAt,
      @Schema(
              description =
                  "Deliveries in the deployment's deliveries dead-letter queue (every tenant's"
                      + " webhooks and pushes)")
          long deliveriesDeadLetterQueueDepth) {
    static CrmStatusView of(CrmConnectorStatus.Status status) {
      return new CrmStatusView(
          "crm",
          status.pushes(),
          status.lastSentAt(),
          status.pending(),
          seconds(status.lag()),
          status.failed(),
          status.lastError(),
          status.lastErrorAt(),
          status.deadLetterDepth());
    }
  }
}
