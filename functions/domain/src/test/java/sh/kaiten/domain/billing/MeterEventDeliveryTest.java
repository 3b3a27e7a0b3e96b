package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.MeterEventDelivery.Outcome;
import sh.kaiten.domain.billing.MeterEventGateway.Answer;
import sh.kaiten.domain.memory.InMemorySentLedger;
import sh.kaiten.domain.metering.SettableClock;

class MeterEventDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  private final SettableClock clock = new SettableClock(T0);
  private final InMemorySentLedger ledger = new InMemorySentLedger();
  private final List<Duration> pauses = new ArrayList<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<MeterEvent> calls = new ArrayList<>();

  /** Answers as scripted, then Accepted. */
  private final MeterEventGateway stripe =
      event -> {
        calls.add(event);
        return script.isEmpty() ? new Answer.Accepted() : script.poll();
      };

  private final MeterEventDelivery delivery =
      new MeterEventDelivery(
          stripe,
          ledger,
          clock,
          wait -> {
            pauses.add(wait);
            clock.advance(wait);
          },
          new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)),
          20,
          Duration.ofMinutes(3),
          new Random(7));

  private static MeterEvent event(String identifier) {
    return new MeterEvent(identifier, "api_calls", "cus_1", 5, T0);
  }

  @Test
  void anEventIsSentOnceAndNeverCalledForAgain() {
    assertThat(delivery.deliver(event("kr_1"))).isEqualTo(new Outcome.Sent());
    assertThat(delivery.deliver(event("kr_1"))).isEqualTo(new Outcome.AlreadySent());
    clock.advance(Duration.ofDays(30));
    assertThat(delivery.deliver(event("kr_1"))).isEqualTo(new Outcome.AlreadySent());

    assertThat(calls).hasSize(1);
  }

  @Test
  void rateLimitsAndOutagesAreWaitedOutWithGrowingJitteredPauses() {
    script.add(new Answer.RateLimited());
    script.add(new Answer.Unavailable("503"));
    script.add(new Answer.RateLimited());

    assertThat(delivery.deliver(event("kr_2"))).isEqualTo(new Outcome.Sent());

    assertThat(calls).hasSize(4);
    assertThat(pauses).hasSize(3);
    assertThat(pauses.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(pauses.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(pauses.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
  }

  @Test
  void aLongerOutageIsLeftToRedeliveryAndTheRedeliverySends() {
    for (int i = 0; i < 100; i++) {
      script.add(new Answer.Unavailable("503"));
    }

    Outcome first = delivery.deliver(event("kr_3"));

    assertThat(first).isInstanceOf(Outcome.RetryLater.class);
    assertThat(Duration.between(T0, clock.instant())).isLessThanOrEqualTo(Duration.ofMinutes(3));
    script.clear();
    assertThat(delivery.deliver(event("kr_3"))).isEqualTo(new Outcome.Sent());
    assertThat(ledger.sent()).isEqualTo(1);
  }

  @Test
  void stripeSayingItHasTheIdentifierCountsAsSent() {
    script.add(new Answer.Duplicate());

    assertThat(delivery.deliver(event("kr_4"))).isEqualTo(new Outcome.Sent());
    assertThat(delivery.deliver(event("kr_4"))).isEqualTo(new Outcome.AlreadySent());
  }

  @Test
  void anInvalidEventIsRefusedWithoutRetrying() {
    script.add(new Answer.Invalid("timestamp", "too far in the past"));

    assertThat(delivery.deliver(event("kr_5")))
        .isEqualTo(new Outcome.Refused("timestamp", "too far in the past"));
    assertThat(calls).hasSize(1);
  }

  @Test
  void aWrongKeyIsLeftForLaterWithoutRetrying() {
    script.add(new Answer.Unauthorized("invalid api key"));

    assertThat(delivery.deliver(event("kr_6"))).isInstanceOf(Outcome.RetryLater.class);
    assertThat(calls).hasSize(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void aClaimLeftPendingIsResentWhileStripeStillDedupsIt() {
    ledger.claim("kr_7", T0);
    clock.advance(Duration.ofHours(22));
    script.add(new Answer.Duplicate());

    assertThat(delivery.deliver(event("kr_7"))).isEqualTo(new Outcome.Sent());
    assertThat(calls).hasSize(1);
  }

  @Test
  void aClaimLeftPendingTooLongIsNotResentButUnresolved() {
    ledger.claim("kr_8", T0);
    clock.advance(MeterEventDelivery.TRUST_STRIPE_DEDUP_FOR);

    assertThat(delivery.deliver(event("kr_8"))).isEqualTo(new Outcome.Unresolved(T0));
    assertThat(calls).isEmpty();
  }

  @Test
  void theBackoffsLeastTotalOutlastsAMinuteWithinElevenAttempts() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    assertThat(backoff.leastTotal(11)).isGreaterThan(Duration.ofMinutes(1));
    Random random = new Random(1);
    for (int attempt = 1; attempt <= 40; attempt++) {
      Duration delay = backoff.delay(attempt, random);
      long full = Math.min(200L << Math.min(attempt - 1, 30), 30_000);
      assertThat(delay.toMillis()).isBetween(full - full / 2, full);
    }
  }
}
