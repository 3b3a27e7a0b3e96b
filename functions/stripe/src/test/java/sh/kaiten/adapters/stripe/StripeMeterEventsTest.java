package sh.kaiten.adapters.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.MeterEvent;
import sh.kaiten.domain.billing.MeterEventGateway.Answer;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.local.aws.StripeStandIn;
import sh.kaiten.local.aws.StripeStandIn.Fault;

/**
 * stripe-java against the stand-in: each of Stripe's answers becomes the domain's {@link Answer}.
 */
class StripeMeterEventsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  /** Made up per run: a test key, never a real one. */
  static String testKey() {
    byte[] random = new byte[16];
    new java.security.SecureRandom().nextBytes(random);
    return "sk_test_standin_" + HexFormat.of().formatHex(random);
  }

  private final SettableClock clock = new SettableClock(T0);
  private final String key = testKey();
  private final StripeStandIn stripe = StripeStandIn.start(clock, key);
  private final StripeMeterEvents gateway =
      new StripeMeterEvents(StripeMeterEvents.client(key, stripe.url(), Duration.ofSeconds(10)));

  @AfterEach
  void stop() {
    stripe.close();
  }

  private static MeterEvent event(String identifier, String customer, long value, Instant at) {
    return new MeterEvent(identifier, "api_calls", customer, value, at);
  }

  @Test
  void anAcceptedEventIsKeptAsSent() {
    assertThat(gateway.send(event("kr_1", "cus_1", 42, T0.minusSeconds(90))))
        .isEqualTo(new Answer.Accepted());

    assertThat(stripe.accepted())
        .containsExactly(
            new StripeStandIn.Accepted("kr_1", "api_calls", "cus_1", 42, T0.minusSeconds(90), T0));
  }

  @Test
  void aRepeatedIdentifierIsADuplicateInsideTheWindowAndAcceptedAgainAfterIt() {
    gateway.send(event("kr_2", "cus_1", 5, T0));

    assertThat(gateway.send(event("kr_2", "cus_1", 5, T0))).isEqualTo(new Answer.Duplicate());
    clock.advance(StripeStandIn.DEDUP_WINDOW.minusSeconds(1));
    assertThat(gateway.send(event("kr_2", "cus_1", 5, T0.plusSeconds(60))))
        .isEqualTo(new Answer.Duplicate());
    assertThat(stripe.total("cus_1", "api_calls")).isEqualTo(5);

    clock.advance(Duration.ofSeconds(1));
    assertThat(gateway.send(event("kr_2", "cus_1", 5, clock.instant())))
        .isEqualTo(new Answer.Accepted());
    assertThat(stripe.acceptedMoreThanOnce()).containsExactly("kr_2");
  }

  @Test
  void aSecondCallForTheSameCustomerAndMeterInFlightIsRateLimitedAnotherCustomersIsNot()
      throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = stripe.holdNextCall(arrived);
    CompletableFuture<Answer> first =
        CompletableFuture.supplyAsync(() -> gateway.send(event("kr_3", "cus_1", 1, T0)));
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(gateway.send(event("kr_4", "cus_1", 1, T0))).isEqualTo(new Answer.RateLimited());
    assertThat(gateway.send(event("kr_5", "cus_2", 1, T0))).isEqualTo(new Answer.Accepted());
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new Answer.Accepted());
    assertThat(stripe.concurrentRefusals()).isEqualTo(1);
    assertThat(stripe.accepted())
        .extracting(StripeStandIn.Accepted::identifier)
        .containsExactlyInAnyOrder("kr_3", "kr_5");
  }

  @Test
  void timestampsOutsideStripesWindowAreInvalidNamingTheTimestamp() {
    Answer tooOld =
        gateway.send(event("kr_6", "cus_1", 1, T0.minus(Duration.ofDays(35)).minusSeconds(1)));
    Answer tooNew =
        gateway.send(event("kr_7", "cus_1", 1, T0.plus(Duration.ofMinutes(5)).plusSeconds(1)));
    Answer oldest = gateway.send(event("kr_8", "cus_1", 1, T0.minus(Duration.ofDays(35))));

    assertThat(tooOld).isInstanceOf(Answer.Invalid.class);
    assertThat(((Answer.Invalid) tooOld).param()).isEqualTo("timestamp");
    assertThat(((Answer.Invalid) tooNew).param()).isEqualTo("timestamp");
    assertThat(oldest).isEqualTo(new Answer.Accepted());
  }

  @Test
  void aWrongKeyIsUnauthorized() {
    StripeMeterEvents wrongKey =
        new StripeMeterEvents(
            StripeMeterEvents.client(testKey(), stripe.url(), Duration.ofSeconds(10)));

    assertThat(wrongKey.send(event("kr_9", "cus_1", 1, T0)))
        .isInstanceOf(Answer.Unauthorized.class);
    assertThat(stripe.accepted()).isEmpty();
  }

  private Answer sendFailing(Fault fault, String identifier) {
    stripe.faults(n -> fault);
    return gateway.send(event(identifier, "cus_1", 1, T0));
  }

  /**
   * Every call fails so while it is set: the JDK's HttpURLConnection (stripe-java's transport)
   * resends a POST once by itself when a connection closes without an answer ({@code
   * sun.net.http.retryPost}), and the resend must meet the same fault.
   */
  @Test
  void serverErrorsAndDroppedConnectionsAreUnavailableWhetherOrNotStripeKeptTheEvent() {
    assertThat(sendFailing(Fault.SERVER_ERROR, "kr_f1")).isInstanceOf(Answer.Unavailable.class);
    assertThat(sendFailing(Fault.DROP_CONNECTION, "kr_f2")).isInstanceOf(Answer.Unavailable.class);
    assertThat(sendFailing(Fault.ACCEPT_THEN_SERVER_ERROR, "kr_f3"))
        .isInstanceOf(Answer.Unavailable.class);
    // Kept, answer lost; the transport's own resend of the POST, if it made one, met the
    // identifier Stripe already has: either way "Stripe may have it", never a second event.
    assertThat(sendFailing(Fault.ACCEPT_THEN_DROP, "kr_f4"))
        .isInstanceOfAny(Answer.Unavailable.class, Answer.Duplicate.class);
    assertThat(sendFailing(Fault.RATE_LIMIT, "kr_f5")).isEqualTo(new Answer.RateLimited());

    assertThat(stripe.accepted())
        .extracting(StripeStandIn.Accepted::identifier)
        .containsExactly("kr_f3", "kr_f4");
  }

  @Test
  void anOutageFollowsTheClock() {
    stripe.outage(T0.plusSeconds(10), T0.plusSeconds(70), Fault.DROP_CONNECTION);

    assertThat(gateway.send(event("kr_o1", "cus_1", 1, T0))).isEqualTo(new Answer.Accepted());
    clock.advance(Duration.ofSeconds(10));
    assertThat(gateway.send(event("kr_o2", "cus_1", 1, T0))).isInstanceOf(Answer.Unavailable.class);
    clock.advance(Duration.ofSeconds(60));
    assertThat(gateway.send(event("kr_o2", "cus_1", 1, T0))).isEqualTo(new Answer.Accepted());
  }
}
