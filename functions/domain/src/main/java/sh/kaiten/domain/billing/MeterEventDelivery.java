package sh.kaiten.domain.billing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import sh.kaiten.domain.billing.MeterEventGateway.Answer;
import sh.kaiten.domain.billing.SentLedger.Claim;

/**
 * Sends a meter event to Stripe exactly once, whatever the retries and redeliveries.
 *
 * <ol>
 *   <li>The identifier is claimed in the {@link SentLedger}. One marked sent is never sent again,
 *       however old: that is the ledger's job beyond Stripe's dedup window.
 *   <li>A claim left pending (a sender died after calling Stripe and before recording the answer)
 *       may be sent again while Stripe certainly still dedups the identifier: for {@link
 *       #TRUST_STRIPE_DEDUP_FOR} after the first claim, inside Stripe's "at least 24 hours". Later,
 *       sending could bill twice and not sending could bill nothing, so the event is {@link
 *       Outcome.Unresolved}: for reconciliation against Stripe's meter event summaries to settle.
 *   <li>The calls for one customer and meter go one at a time (Stripe allows one concurrent call
 *       per customer per meter); a 429 or an unavailable Stripe is tried again after a {@link
 *       Backoff}, for at most {@code maxAttempts} and {@code retryFor}, then left to the queue's
 *       redelivery ({@link Outcome.RetryLater}).
 *   <li>Stripe's acceptance, or its answer that it has the identifier already, is recorded as sent.
 * </ol>
 */
public final class MeterEventDelivery {
  /** How long after the first claim a resend is certainly deduplicated by Stripe. */
  public static final Duration TRUST_STRIPE_DEDUP_FOR = Duration.ofHours(23);

  /**
   * Lanes are striped over a fixed set of locks, so memory stays bounded however many customers;
   * two lanes sharing a lock only wait for each other.
   */
  private static final int LOCKS = 256;

  /** What became of one event. */
  public sealed interface Outcome {
    /** Stripe accepted it now (or said it had it), and the ledger records it. */
    record Sent() implements Outcome {}

    /** The ledger says it was sent before: nothing was called. */
    record AlreadySent() implements Outcome {}

    /** Not sent now; a later delivery should try again (the queue's redelivery). */
    record RetryLater(String reason) implements Outcome {}

    /** Stripe refused it as invalid: trying again cannot help (dead-letter it). */
    record Refused(String param, String reason) implements Outcome {}

    /**
     * Claimed at {@code claimedAt}, never confirmed, and too long ago to trust Stripe's dedup: not
     * sent, for reconciliation to settle.
     */
    record Unresolved(Instant claimedAt) implements Outcome {}
  }

  private final MeterEventGateway stripe;
  private final SentLedger ledger;
  private final Clock clock;
  private final Pauses pauses;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Duration retryFor;
  private final RandomGenerator random;
  private final ReentrantLock[] lanes = new ReentrantLock[LOCKS];

  public MeterEventDelivery(
      MeterEventGateway stripe,
      SentLedger ledger,
      Clock clock,
      Pauses pauses,
      Backoff backoff,
      int maxAttempts,
      Duration retryFor,
      RandomGenerator random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt");
    }
    this.stripe = stripe;
    this.ledger = ledger;
    this.clock = clock;
    this.pauses = pauses;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.retryFor = retryFor;
    this.random = random;
    for (int i = 0; i < LOCKS; i++) {
      lanes[i] = new ReentrantLock();
    }
  }

  public Outcome deliver(MeterEvent event) {
    Instant now = clock.instant();
    Claim claim = ledger.claim(event.identifier(), now);
    if (claim instanceof Claim.Sent) {
      return new Outcome.AlreadySent();
    }
    if (claim instanceof Claim.Pending pending
        && !now.isBefore(pending.claimedAt().plus(TRUST_STRIPE_DEDUP_FOR))) {
      return new Outcome.Unresolved(pending.claimedAt());
    }
    ReentrantLock lane = lanes[Math.floorMod(event.lane().hashCode(), LOCKS)];
    try {
      lane.lockInterruptibly();
      try {
        return send(event, now);
      } finally {
        lane.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.RetryLater("interrupted");
    }
  }

  private Outcome send(MeterEvent event, Instant started) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Answer answer = stripe.send(event);
      if (answer instanceof Answer.Accepted || answer instanceof Answer.Duplicate) {
        ledger.markSent(event.identifier(), clock.instant());
        return new Outcome.Sent();
      }
      if (answer instanceof Answer.Invalid invalid) {
        return new Outcome.Refused(invalid.param(), invalid.detail());
      }
      if (answer instanceof Answer.Unauthorized unauthorized) {
        return new Outcome.RetryLater("Stripe refused the key: " + unauthorized.detail());
      }
      String reason =
          answer instanceof Answer.Unavailable unavailable
              ? "Stripe unavailable: " + unavailable.detail()
              : "rate limited by Stripe";
      Duration wait = backoff.delay(attempt, random);
      if (attempt >= maxAttempts
          || Duration.between(started, clock.instant()).plus(wait).compareTo(retryFor) > 0) {
        return new Outcome.RetryLater(reason + " (" + attempt + " attempts)");
      }
      pauses.pause(wait);
    }
  }
}
