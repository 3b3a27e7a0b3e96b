package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a reconciliation found: for each customer and SUM or COUNT meter it compared, whether
 * Stripe's meter event summary for the window equals what Kaiten counted.
 *
 * @param runId the run ({@link BillingJob.Reconciliation#runId})
 * @param finishedAt when the last of Stripe was read and the result recorded
 * @param reports counted reports of the window read from the audit trail
 * @param compared customer and meter pairs compared with Stripe
 * @param differenceCount pairs that differ, all of them
 * @param differences the first {@link StripeReconciliation#MAX_DIFFERENCES} of them, in customer
 *     and entitlement order (each has its event)
 * @param notCompared what was left out and why, one line each (meters sent as {@code last}, reports
 *     of customers without a Stripe id, reports whose instance, license or customer is gone)
 */
public record ReconciliationReport(
    String tenantId,
    String runId,
    Instant windowStart,
    Instant windowEnd,
    Instant finishedAt,
    int reports,
    int compared,
    int differenceCount,
    List<Difference> differences,
    List<String> notCompared) {
  public ReconciliationReport {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(runId, "runId");
    differences = List.copyOf(differences);
    notCompared = List.copyOf(notCompared);
  }

  /**
   * A customer's usage of a meter that Kaiten and Stripe do not agree on.
   *
   * @param kaiten what Kaiten counted, scaled as live sync sends it
   * @param stripe Stripe's aggregated value (0 when Stripe has no event); null when Stripe has no
   *     active meter of {@code eventName}
   */
  public record Difference(
      String customerId,
      String stripeCustomerId,
      String entitlement,
      String eventName,
      BigDecimal kaiten,
      BigDecimal stripe) {
    public Difference {
      Objects.requireNonNull(customerId, "customerId");
      Objects.requireNonNull(stripeCustomerId, "stripeCustomerId");
      Objects.requireNonNull(entitlement, "entitlement");
      Objects.requireNonNull(eventName, "eventName");
      Objects.requireNonNull(kaiten, "kaiten");
    }
  }
}
