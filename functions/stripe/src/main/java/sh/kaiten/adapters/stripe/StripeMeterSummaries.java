package sh.kaiten.adapters.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterSummaryGateway;

/**
 * Stripe's meters and meter event summaries through Stripe's Java client: the meters listed (every
 * page, active only), and one summary over the whole range asked for (no {@code
 * value_grouping_window}), so one call per customer and meter.
 */
public final class StripeMeterSummaries implements MeterSummaryGateway {
  /** Stripe's largest page. */
  private static final long PAGE = 100;

  private final StripeClient stripe;

  public StripeMeterSummaries(StripeClient stripe) {
    this.stripe = stripe;
  }

  @Override
  public Map<String, Meter> activeMeters() {
    Map<String, Meter> byEventName = new HashMap<>();
    try {
      Iterable<com.stripe.model.billing.Meter> meters =
          stripe
              .v1()
              .billing()
              .meters()
              .list(
                  MeterListParams.builder()
                      .setStatus(MeterListParams.Status.ACTIVE)
                      .setLimit(PAGE)
                      .build())
              .autoPagingIterable();
      for (com.stripe.model.billing.Meter meter : meters) {
        byEventName.put(
            meter.getEventName(), new Meter(meter.getId(), meter.getEventName(), formula(meter)));
      }
    } catch (StripeException | RuntimeException e) {
      throw unreadable("the meters", e);
    }
    return byEventName;
  }

  @Override
  public Optional<BigDecimal> aggregatedValue(
      String meterId, String stripeCustomerId, Instant start, Instant end) {
    List<MeterEventSummary> summaries;
    try {
      summaries =
          stripe
              .v1()
              .billing()
              .meters()
              .eventSummaries()
              .list(
                  meterId,
                  MeterEventSummaryListParams.builder()
                      .setCustomer(stripeCustomerId)
                      .setStartTime(start.getEpochSecond())
                      .setEndTime(end.getEpochSecond())
                      .build())
              .getData();
    } catch (StripeException | RuntimeException e) {
      throw unreadable("the summary of " + meterId + " for " + stripeCustomerId, e);
    }
    // Without a grouping window Stripe answers one summary for the range, or none without events.
    return summaries.stream().map(MeterEventSummary::getAggregatedValue).findFirst();
  }

  private static MeterFormula formula(com.stripe.model.billing.Meter meter) {
    String formula =
        meter.getDefaultAggregation() == null ? null : meter.getDefaultAggregation().getFormula();
    return formula == null ? null : MeterFormula.valueOf(formula.toUpperCase(Locale.ROOT));
  }

  private static UnreadableException unreadable(String what, Exception e) {
    String detail =
        e instanceof StripeException stripeError
                && stripeError.getStripeError() != null
                && stripeError.getStripeError().getMessage() != null
            ? stripeError.getStatusCode() + ": " + stripeError.getStripeError().getMessage()
            : e.getMessage();
    return new UnreadableException("Stripe did not answer " + what + ": " + detail);
  }
}
