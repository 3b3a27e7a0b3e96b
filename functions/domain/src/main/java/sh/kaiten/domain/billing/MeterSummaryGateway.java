package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
   * @param formula its {@code default_aggregation.formula}; null when Stripe names none Kaiten
   *     knows
   */
  record Meter(String id, String eventName, MeterFormula formula) {}

  /**
   * A page of the account's active meters, newest first.
   *
   * @param next the id of the meter to list after ({@code starting_after}); null when this is the
   *     last page
   */
  record MeterPage(List<Meter> meters, String next) {
    public MeterPage {
      meters = List.copyOf(meters);
    }
  }

  /**
   * One read: the page of active meters after {@code startingAfter} (null for the first), as many
   * as Stripe's largest page holds.
   */
  MeterPage activeMeters(String startingAfter);

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
