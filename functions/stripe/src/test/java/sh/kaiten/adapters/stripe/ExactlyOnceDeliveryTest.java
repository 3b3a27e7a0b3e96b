package sh.kaiten.adapters.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.Backoff;
import sh.kaiten.domain.billing.MeterEvent;
import sh.kaiten.domain.billing.MeterEventDelivery;
import sh.kaiten.domain.billing.MeterEventDelivery.Outcome;
import sh.kaiten.domain.billing.MeterEventGateway;
import sh.kaiten.domain.billing.MeterEvents;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.WindowValue;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.memory.InMemorySentLedger;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.local.aws.StripeStandIn;
import sh.kaiten.local.aws.StripeStandIn.Fault;

/**
 * Reports through {@link MeterEventDelivery} and stripe-java to the Stripe stand-in, with what goes
 * wrong in production (429s, lost answers, an outage, a batch delivered twice, a sender dying
 * between Stripe's answer and its ledger write): Stripe ends with exactly what Kaiten counted, and
 * no identifier accepted twice. Time is the test's clock: a pause moves it, nothing sleeps.
 */
class ExactlyOnceDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private static final String TENANT = "tnt_billing";
  private static final MeterMapping API_CALLS =
      new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);
  private static final MeterMapping STORAGE =
      new MeterMapping("storage-gb", "storage_mb", new BigDecimal("1000"), Aggregation.SUM);
  private static final MeterMapping LOGINS =
      new MeterMapping("logins", "logins", BigDecimal.ONE, Aggregation.COUNT);

  private final SettableClock clock = new SettableClock(T0);
  private final String key = StripeMeterEventsTest.testKey();
  private final StripeStandIn stripe = StripeStandIn.start(clock, key);
  private final MeterEventGateway gateway =
      new StripeMeterEvents(StripeMeterEvents.client(key, stripe.url(), Duration.ofSeconds(10)));
  private final InMemorySentLedger ledger = new InMemorySentLedger();
  private final ExecutorService threads = Executors.newFixedThreadPool(24);

  @AfterEach
  void stop() {
    threads.shutdownNow();
    stripe.close();
  }

  private MeterEventDelivery delivery(MeterEventGateway to, long seed) {
    return new MeterEventDelivery(
        to,
        ledger,
        clock,
        clock::advance,
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)),
        20,
        Duration.ofMinutes(3),
        new Random(seed));
  }

  private static String customer(int i) {
    return "cus_test_" + i;
  }

  /**
   * {@code count} accepted reports over 20 customers and three meters (whole, decimal, counted),
   * each from the last ten days.
   */
  private static List<MeterEvent> reports(int count, int customers, long seed) {
    Random random = new Random(seed);
    List<MeterEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      MeterMapping mapping = List.of(API_CALLS, STORAGE, LOGINS).get(i % 3);
      BigDecimal value =
          mapping == STORAGE
              ? BigDecimal.valueOf(1 + random.nextInt(9_999), 3)
              : BigDecimal.valueOf(1 + random.nextInt(50));
      Instant at = T0.minusSeconds(random.nextInt(10 * 24 * 3600));
      AcceptedReport report =
          new AcceptedReport(TENANT, "aud_" + seed + "_" + i, mapping.entitlement(), value, at);
      events.add(MeterEvents.ofReport(mapping, report, customer(i % customers)));
    }
    return events;
  }

  /** What Stripe must hold: each customer's and meter's increments added up. */
  private static Map<String, Long> totals(List<MeterEvent> events) {
    Map<String, Long> totals = new TreeMap<>();
    events.forEach(
        event ->
            totals.merge(
                event.stripeCustomerId() + "/" + event.eventName(), event.value(), Long::sum));
    return totals;
  }

  /** Delivers every event once, in parallel, and says what became of each. */
  private List<Outcome> deliverOnce(MeterEventDelivery delivery, List<MeterEvent> events)
      throws Exception {
    List<Callable<Outcome>> work = new ArrayList<>();
    events.forEach(event -> work.add(() -> delivery.deliver(event)));
    List<Outcome> outcomes = new ArrayList<>();
    for (Future<Outcome> outcome : threads.invokeAll(work)) {
      outcomes.add(outcome.get());
    }
    return outcomes;
  }

  /**
   * Delivers as a queue would: what is left for later is delivered again, until nothing is; every
   * final outcome must be Sent or AlreadySent.
   */
  private int deliverUntilDone(MeterEventDelivery delivery, List<MeterEvent> events)
      throws Exception {
    List<MeterEvent> pending = events;
    int rounds = 0;
    while (!pending.isEmpty()) {
      assertThat(++rounds).as("delivery rounds").isLessThanOrEqualTo(10);
      List<Outcome> outcomes = deliverOnce(delivery, pending);
      List<MeterEvent> again = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome outcome = outcomes.get(i);
        if (outcome instanceof Outcome.RetryLater) {
          again.add(pending.get(i));
        } else {
          assertThat(outcome).isIn(new Outcome.Sent(), new Outcome.AlreadySent());
        }
      }
      pending = again;
    }
    return rounds;
  }

  @Test
  void tenThousandReportsWithRetriesAnOutageAndABatchDeliveredTwiceReachStripeExactlyOnce()
      throws Exception {
    List<MeterEvent> events = reports(10_000, 20, 1);
    stripe
        .faults(
            n -> {
              if (n % 23 == 0) return Fault.RATE_LIMIT;
              if (n % 29 == 0) return Fault.ACCEPT_THEN_SERVER_ERROR;
              if (n % 31 == 0) return Fault.ACCEPT_THEN_DROP;
              if (n % 37 == 0) return Fault.SERVER_ERROR;
              if (n % 41 == 0) return Fault.DROP_CONNECTION;
              return Fault.NONE;
            })
        .outage(T0.plusSeconds(20), T0.plusSeconds(80), Fault.SERVER_ERROR);
    // Two senders (two function instances) get the same batch at once, as a redelivered SQS batch
    // can; they share the ledger and nothing else.
    MeterEventDelivery first = delivery(gateway, 1);
    MeterEventDelivery second = delivery(gateway, 2);
    List<MeterEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(3));

    Future<Integer> firstRun = threads.submit(() -> deliverUntilDone(first, events));
    Future<Integer> secondRun = threads.submit(() -> deliverUntilDone(second, shuffled));
    firstRun.get();
    secondRun.get();

    assertThat(stripe.outageCalls()).as("calls during the outage").isPositive();
    assertThat(stripe.totals()).isEqualTo(totals(events));
    assertThat(stripe.accepted()).hasSize(10_000);
    assertThat(stripe.acceptedMoreThanOnce()).isEmpty();
    assertThat(ledger.sent()).isEqualTo(10_000);

    // The batch once more, after Stripe forgot its identifiers: the ledger answers, nobody calls.
    clock.advance(StripeStandIn.DEDUP_WINDOW.plusHours(1));
    int calls = stripe.calls();
    assertThat(deliverOnce(delivery(gateway, 4), events))
        .hasSize(10_000)
        .containsOnly(new Outcome.AlreadySent());
    assertThat(stripe.calls()).isEqualTo(calls);
    assertThat(stripe.totals()).isEqualTo(totals(events));
  }

  @Test
  void aMinutesOutageIsWaitedOutOnTheClockWithoutLosingOrDoublingAnEvent() {
    stripe.outage(T0, T0.plusSeconds(60), Fault.DROP_CONNECTION);
    MeterEventDelivery delivery = delivery(gateway, 5);
    List<MeterEvent> events = reports(30, 1, 6);

    for (MeterEvent event : events) {
      assertThat(delivery.deliver(event)).isEqualTo(new Outcome.Sent());
    }

    assertThat(clock.instant()).isBetween(T0.plusSeconds(60), T0.plus(Duration.ofMinutes(3)));
    assertThat(stripe.outageCalls()).isGreaterThanOrEqualTo(2);
    assertThat(stripe.totals()).isEqualTo(totals(events));
    assertThat(stripe.acceptedMoreThanOnce()).isEmpty();
  }

  @Test
  void oneSenderNeverCallsTwiceAtOnceForACustomerAndMeter() throws Exception {
    List<MeterEvent> events = reports(3_000, 3, 7);

    assertThat(deliverOnce(delivery(gateway, 8), events)).containsOnly(new Outcome.Sent());

    assertThat(stripe.concurrentRefusals()).isZero();
    assertThat(stripe.totals()).isEqualTo(totals(events));
  }

  @Test
  void aSenderThatDiedAfterStripesAnswerIsCoveredByStripeWithinADayAndByTheLedgerAfter() {
    MeterEvent event = reports(1, 1, 9).get(0);
    MeterEventGateway diesAfterTheCall =
        sent -> {
          gateway.send(sent);
          throw new IllegalStateException("the function timed out before recording the answer");
        };
    try {
      delivery(diesAfterTheCall, 10).deliver(event);
    } catch (IllegalStateException died) {
      assertThat(died).hasMessageContaining("timed out");
    }
    assertThat(stripe.accepted()).hasSize(1);

    clock.advance(Duration.ofHours(1));
    assertThat(delivery(gateway, 11).deliver(event)).isEqualTo(new Outcome.Sent());
    clock.advance(StripeStandIn.DEDUP_WINDOW);
    int calls = stripe.calls();
    assertThat(delivery(gateway, 12).deliver(event)).isEqualTo(new Outcome.AlreadySent());

    assertThat(stripe.calls()).isEqualTo(calls);
    assertThat(stripe.accepted()).hasSize(1);
    assertThat(stripe.total(event.stripeCustomerId(), event.eventName())).isEqualTo(event.value());
  }

  @Test
  void aClaimNeverConfirmedForADayIsLeftUnresolvedRatherThanRiskingADoubleBill() {
    MeterEvent event = reports(1, 1, 13).get(0);
    MeterEventGateway diesAfterTheCall =
        sent -> {
          gateway.send(sent);
          throw new IllegalStateException("the function timed out before recording the answer");
        };
    try {
      delivery(diesAfterTheCall, 14).deliver(event);
    } catch (IllegalStateException died) {
      assertThat(died).hasMessageContaining("timed out");
    }

    clock.advance(MeterEventDelivery.TRUST_STRIPE_DEDUP_FOR);
    int calls = stripe.calls();

    assertThat(delivery(gateway, 15).deliver(event)).isEqualTo(new Outcome.Unresolved(T0));
    assertThat(stripe.calls()).isEqualTo(calls);
    assertThat(stripe.accepted()).hasSize(1);
  }

  /**
   * MAX and LATEST go to {@code last} meters, one event per hour-long window with the period's
   * value at the window's end; delivered out of order, twice, with 429s, Stripe's last value is
   * Kaiten's value for the period.
   */
  @Test
  void maxAndLatestMetersEndOnKaitensPeriodValue() throws Exception {
    MeterMapping seats = new MeterMapping("seats", "seats_max", BigDecimal.ONE, Aggregation.MAX);
    MeterMapping storage =
        new MeterMapping("storage", "storage_mb_last", new BigDecimal("1000"), Aggregation.LATEST);
    Instant periodStart = T0.minus(Duration.ofDays(2));
    Random random = new Random(16);
    List<MeterEvent> windows = new ArrayList<>();
    Tally tally = Tally.EMPTY;
    List<Tally> byWindow = new ArrayList<>();
    for (int hour = 0; hour < 24; hour++) {
      Instant start = periodStart.plus(Duration.ofHours(hour));
      for (int report = 0; report < 20; report++) {
        tally =
            tally.plus(
                BigDecimal.valueOf(random.nextInt(100_000), 3),
                start.plusSeconds(random.nextInt(3600)));
      }
      byWindow.add(tally);
      for (MeterMapping mapping : List.of(seats, storage)) {
        WindowValue window =
            new WindowValue(
                TENANT,
                "license:lic_1",
                mapping.entitlement(),
                start,
                start.plus(Duration.ofHours(1)),
                tally.value(mapping.aggregation()));
        windows.add(MeterEvents.ofWindow(mapping, window, "cus_windows"));
      }
    }
    stripe.faults(n -> n % 5 == 0 ? Fault.RATE_LIMIT : Fault.NONE);
    List<MeterEvent> reversed = new ArrayList<>(windows);
    Collections.reverse(reversed);
    MeterEventDelivery delivery = delivery(gateway, 17);

    deliverUntilDone(delivery, reversed);
    deliverUntilDone(delivery, windows);

    assertThat(stripe.last("cus_windows", "seats_max"))
        .isEqualTo(seats.lastValue(tally.value(Aggregation.MAX)))
        .isEqualTo(tally.max().setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact());
    assertThat(stripe.last("cus_windows", "storage_mb_last"))
        .isEqualTo(storage.lastValue(tally.value(Aggregation.LATEST)))
        .isEqualTo(tally.latest().multiply(new BigDecimal("1000")).longValueExact());
    assertThat(stripe.accepted()).hasSize(48);
    assertThat(stripe.acceptedMoreThanOnce()).isEmpty();
    // Every window's own value is there too: the max as it stood at the end of each hour.
    assertThat(
            stripe.accepted().stream()
                .filter(event -> event.eventName().equals("seats_max"))
                .sorted(java.util.Comparator.comparing(StripeStandIn.Accepted::timestamp))
                .map(StripeStandIn.Accepted::value)
                .toList())
        .isEqualTo(
            byWindow.stream()
                .map(window -> seats.lastValue(window.value(Aggregation.MAX)))
                .toList());
  }
}
