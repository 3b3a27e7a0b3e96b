package sh.kaiten.adapters.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.MeterEvent;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterSummaryGateway;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.local.aws.StripeStandIn;

/** The summaries' reads through stripe-java against the stand-in, as the domain takes them. */
class StripeMeterSummariesTest {
  private static final Instant DAY = Instant.parse("2026-11-25T00:00:00Z");

  private final SettableClock clock = new SettableClock(DAY.plus(Duration.ofHours(12)));
  private final String key = StripeMeterEventsTest.testKey();
  private final StripeStandIn stripe = StripeStandIn.start(clock, key);
  private final StripeMeterSummaries gateway =
      new StripeMeterSummaries(StripeMeterEvents.client(key, stripe.url(), Duration.ofSeconds(10)));
  private final StripeMeterEvents events =
      new StripeMeterEvents(StripeMeterEvents.client(key, stripe.url(), Duration.ofSeconds(10)));

  @AfterEach
  void stop() {
    stripe.close();
  }

  /** 105 meters: a page of the newest 100 (one read), then the oldest 5 after its last. */
  @Test
  void theActiveMetersAreListedAPageOfAHundredARead() {
    for (int i = 0; i < 105; i++) {
      stripe.meter("meter_" + i, i == 7 ? "last" : i == 104 ? "count" : "sum");
      clock.advance(Duration.ofSeconds(1)); // newest first: in the order they were made
    }

    MeterSummaryGateway.MeterPage first = gateway.activeMeters(null);
    MeterSummaryGateway.MeterPage second = gateway.activeMeters(first.next());

    assertThat(first.meters()).hasSize(100);
    assertThat(first.meters().get(0).eventName()).isEqualTo("meter_104");
    assertThat(first.meters().get(0).formula()).isEqualTo(MeterFormula.COUNT);
    assertThat(first.meters().get(0).id()).startsWith("mtr_test_");
    assertThat(first.next()).isEqualTo(first.meters().get(99).id());
    assertThat(second.meters())
        .extracting(MeterSummaryGateway.Meter::eventName, MeterSummaryGateway.Meter::formula)
        .containsExactly(
            tuple("meter_4", MeterFormula.SUM),
            tuple("meter_3", MeterFormula.SUM),
            tuple("meter_2", MeterFormula.SUM),
            tuple("meter_1", MeterFormula.SUM),
            tuple("meter_0", MeterFormula.SUM));
    assertThat(second.next()).isNull();
    assertThat(first.meters()).extracting(MeterSummaryGateway.Meter::eventName).contains("meter_7");
    assertThat(
            first.meters().stream()
                .filter(meter -> meter.eventName().equals("meter_7"))
                .findFirst()
                .orElseThrow()
                .formula())
        .isEqualTo(MeterFormula.LAST);
  }

  @Test
  void aCustomersUsageInARangeIsItsSummaryAndNothingWithoutEvents() {
    String meter = stripe.meter("api_calls", "sum");
    events.send(new MeterEvent("kr_1", "api_calls", "cus_1", 40, DAY.plusSeconds(10)));
    events.send(new MeterEvent("kr_2", "api_calls", "cus_1", 2, DAY.plusSeconds(3600)));

    assertThat(gateway.aggregatedValue(meter, "cus_1", DAY, DAY.plus(Duration.ofDays(1))))
        .hasValueSatisfying(
            value -> assertThat(value).isEqualByComparingTo(BigDecimal.valueOf(42)));
    assertThat(gateway.aggregatedValue(meter, "cus_2", DAY, DAY.plus(Duration.ofDays(1))))
        .isEmpty();
  }

  @Test
  void aRefusedReadIsUnreadableWithStripesReason() {
    assertThatThrownBy(
            () -> gateway.aggregatedValue("mtr_test_gone", "cus_1", DAY, DAY.plusSeconds(60)))
        .isInstanceOf(MeterSummaryGateway.UnreadableException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("No such billing meter");
    StripeMeterSummaries wrongKey =
        new StripeMeterSummaries(
            StripeMeterEvents.client("rk_test_wrong", stripe.url(), Duration.ofSeconds(10)));
    assertThatThrownBy(() -> wrongKey.activeMeters(null))
        .isInstanceOf(MeterSummaryGateway.UnreadableException.class)
        .hasMessageContaining("401");
  }
}
