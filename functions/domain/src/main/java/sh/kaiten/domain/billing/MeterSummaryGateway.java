package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's meters and their event summaries, read for reconciliation: {@code GET
 * /v1/billing/meters} and {@code GET /v1/billing/meters/{id}/event_summaries}. One call, one
 * answer, no retries of its own (a reconciliation that cannot read Stripe comes back from the
 * queue).
 */
public interface MeterSummaryGateway {
  /**
   * A Stripe meter.
   *
   * @param id {@code mtr_...}, what its summaries are read by
   * @param formula its {@code default_aggregation.formula}
   */
  record Meter(String id, String eventName, MeterFormula formula) {}

  /** The account's active meters, by {@code event_name} (each page of Stripe's list read). */
  Map<String, Meter> activeMeters();

  /**
   * The customer's usage on the meter for events timed in [start, end), both on a minute boundary,
   * as the meter's formula aggregates it; empty when Stripe has no event of the customer there.
   */
  Optional<BigDecimal> aggregatedValue(
      String meterId, String stripeCustomerId, Instant start, Instant end);

  /** Stripe could not be read: unavailable, the key refused, or the request refused (why). */
  final class UnreadableException extends RuntimeException {
    public UnreadableException(String reason) {
      super(reason);
    }
  }

  /** The reads of a tenant's Stripe account, through its own key; empty while it has no key. */
  @FunctionalInterface
  interface Accounts {
    Optional<MeterSummaryGateway> forTenant(String tenantId);
  }
}
