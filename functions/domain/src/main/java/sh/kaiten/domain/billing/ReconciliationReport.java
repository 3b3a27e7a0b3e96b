package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a reconciliation found: whether each mapping's Stripe meter exists and aggregates as the
 * mapping needs; and for each customer and meter it compared (a fitting one), whether Stripe's
 * meter event summary for the window equals what Kaiten counted (a SUM's or COUNT's total, a {@code
 * last} meter's latest event).
 *
 * @param runId the run ({@link BillingJob.Reconciliation#runId})
 * @param finishedAt when the last of Stripe was read and the result recorded
 * @param reports counted reports of the window read from the audit trail
 * @param compared customer and meter pairs compared with Stripe (those of a fitting meter)
 * @param differenceCount pairs that differ, all of them
 * @param differences the first {@link StripeReconciliation#MAX_DIFFERENCES} of them, in customer
 *     and entitlement order (each has its event)
 * @param notCompared what was left out and why, one line each (pairs of a {@code last} meter whose
 *     latest events tie, reports of customers without a Stripe id, reports whose instance, license
 *     or customer is gone)
 * @param meterFindings the mappings whose Stripe meter is missing or does not aggregate as they
 *     need, by entitlement (their pairs are not compared: no difference of theirs is counted)
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
    List<String> notCompared,
    List<MeterFinding> meterFindings) {
  public ReconciliationReport {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(runId, "runId");
    differences = List.copyOf(differences);
    notCompared = List.copyOf(notCompared);
    meterFindings = List.copyOf(meterFindings);
  }

  /**
   * A mapping whose Stripe meter cannot bill what Kaiten sends it: no active meter of its {@code
   * eventName}, or one whose {@code default_aggregation.formula} is not among {@code needed} (a SUM
   * mapped to a {@code count} meter bills the number of reports, not their values).
   *
   * @param meterId the meter found ({@code mtr_...}); null when Stripe has no active meter of
   *     {@code eventName}
   * @param formula the meter's formula; null when there is no meter (or Stripe named a formula
   *     Kaiten does not know)
   * @param needed the formulas that bill what the mapping sends ({@link
   *     MeterMapping#fittingFormulas})
   */
  public record MeterFinding(
      String entitlement,
      String eventName,
      String meterId,
      MeterFormula formula,
      List<MeterFormula> needed) {
    public MeterFinding {
      Objects.requireNonNull(entitlement, "entitlement");
      Objects.requireNonNull(eventName, "eventName");
      needed = List.copyOf(needed);
    }

    /** Whether Stripe has no active meter of the event name (else: the formula does not fit). */
    public boolean missing() {
      return meterId == null;
    }
  }

  /**
   * A customer's usage of a meter that Kaiten and Stripe do not agree on.
   *
   * @param kaiten what Kaiten counted, scaled as live sync sends it (a {@code last} meter's: the
   *     value of its latest event in the window); null when a {@code last} meter was sent no event
   *     in the window
   * @param stripe Stripe's aggregated value (0 when Stripe has no event of a SUM or COUNT meter);
   *     null when Stripe has no event of a {@code last} meter, and in results recorded before a
   *     missing meter was a {@link MeterFinding} of its own
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
    }
  }
}
