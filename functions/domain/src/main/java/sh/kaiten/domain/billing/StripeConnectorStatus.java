package sh.kaiten.domain.billing;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.operations.QueueDepths;

/**
 * Use case: how the tenant's Stripe connector is doing (admin token): what billing-sync last sent
 * and when, how far it is behind the reports it received, its errors, the deployment's billing
 * queue and dead-letter queue depths, and the latest reconciliation with Stripe's meter summaries.
 */
public final class StripeConnectorStatus {
  /** Longer than any useful last error, and a bound on the answer. */
  static final int MAX_ERROR_LENGTH = 500;

  private final StripeConnectors connectors;
  private final StripeActivity activity;
  private final QueueDepths queues;
  private final ReconciliationReports reconciliations;

  public StripeConnectorStatus(
      StripeConnectors connectors,
      StripeActivity activity,
      QueueDepths queues,
      ReconciliationReports reconciliations) {
    this.connectors = connectors;
    this.activity = activity;
    this.queues = queues;
    this.reconciliations = reconciliations;
  }

  /**
   * @param lag how far the newest report sent is behind the newest report received (zero when
   *     caught up; null until something was both received and sent)
   * @param queueDepth messages waiting on the billing queue, every tenant's
   * @param deadLetterDepth messages in the billing dead-letter queue, every tenant's
   * @param lastReconciliation the latest reconciliation recorded; null before the first
   */
  public record Status(
      StripeActivity.Activity activity,
      Duration lag,
      long queueDepth,
      long deadLetterDepth,
      ReconciliationReport lastReconciliation) {}

  public Status status(ApiToken caller) {
    caller.requireAdmin();
    connectors
        .find(caller.tenantId())
        .orElseThrow(() -> new NotFoundException("connector", "stripe"));
    StripeActivity.Activity seen =
        activity
            .find(caller.tenantId())
            .orElse(new StripeActivity.Activity(null, 0, null, null, 0, null, null));
    return new Status(
        seen,
        lag(seen.lastReportSentAt(), seen.lastReportSeenAt()),
        queues.depth(QueueDepths.Backlog.BILLING),
        queues.depth(QueueDepths.Backlog.BILLING_DEAD_LETTERS),
        reconciliations.latest(caller.tenantId()).orElse(null));
  }

  private static Duration lag(Instant sent, Instant seen) {
    if (seen == null || sent == null) {
      return null;
    }
    Duration behind = Duration.between(sent, seen);
    return behind.isNegative() ? Duration.ZERO : behind;
  }

  /** A reason as the status keeps it: at most {@link #MAX_ERROR_LENGTH} characters. */
  public static String bounded(String reason) {
    return reason == null || reason.length() <= MAX_ERROR_LENGTH
        ? reason
        : reason.substring(0, MAX_ERROR_LENGTH);
  }
}
