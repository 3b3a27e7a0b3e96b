package sh.kaiten.adapters.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterSummaryGateway;

/**
 * Stripe's meters and meter event summaries through Stripe's Java client: the active meters listed
 * a page a call, and one summary over the whole range asked for (no {@code value_grouping_window}),
 * so one call per customer and meter.
 */
public final class StripeMeterSummaries implements MeterSummaryGateway {
  /** Stripe's largest page. */
  private static final long PAGE = 100;

  private final StripeClient stripe;

  public StripeMeterSummaries(StripeClient stripe) {
    this.stripe = stripe;
  }

  @Override
  public MeterPage activeMeters(String startingAfter) {
    StripeCollection<com.stripe.model.billing.Meter> page;
    try {
      MeterListParams.Builder params =
          MeterListParams.builder().setStatus(MeterListParams.Status.ACTIVE).setLimit(PAGE);
      if (startingAfter != null) {
        params.setStartingAfter(startingAfter);
      }
      page = stripe.v1().billing().meters().list(params.build());
    } catch (StripeException | RuntimeException e) {
      throw unreadable("the meters", e);
    }
    List<Meter> meters =
        page.getData().stream()
            .map(meter -> new Meter(meter.getId(), meter.getEventName(), formula(meter)))
            .toList();
    boolean more = Boolean.TRUE.equals(page.getHasMore()) && !meters.isEmpty();
    return new MeterPage(meters, more ? meters.get(meters.size() - 1).id() : null);
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

  /** The meter's formula; null when Stripe names none, or one Kaiten does not know. */
  private static MeterFormula formula(com.stripe.model.billing.Meter meter) {
    String formula =
        meter.getDefaultAggregation() == null ? null : meter.getDefaultAggregation().getFormula();
    return formula == null
        ? null
        : Arrays.stream(MeterFormula.values())
            .filter(known -> known.name().equalsIgnoreCase(formula))
            .findFirst()
            .orElse(null);
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
