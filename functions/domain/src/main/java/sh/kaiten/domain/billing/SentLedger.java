package sh.kaiten.domain.billing;

import java.time.Duration;
import java.time.Instant;

/**
 * Which meter events were sent to Stripe, by identifier: the record that makes delivery exactly
 * once beyond Stripe's own dedup window (about 24 hours).
 *
 * <p>An identifier is first <em>claimed</em> (before its first call to Stripe), then marked
 * <em>sent</em> once Stripe accepted it. Both are conditional writes. A sender that dies between
 * Stripe's answer and {@link #markSent} leaves the claim behind; the next delivery finds it and may
 * send again while Stripe still dedups the identifier (see {@link
 * MeterEventDelivery#TRUST_STRIPE_DEDUP_FOR}), and not after.
 *
 * <p>Entries are kept {@link #KEPT} days: longer than Stripe accepts an event's timestamp back (35
 * days), so an event old enough for its entry to be gone would be refused by Stripe anyway.
 */
public interface SentLedger {
  Duration KEPT = Duration.ofDays(40);

  /** What the ledger knew of an identifier when it was claimed. */
  sealed interface Claim {
    /** Nobody had claimed it: this call did. */
    record Fresh() implements Claim {}

    /** Claimed at {@code claimedAt} (the first claim), never marked sent. */
    record Pending(Instant claimedAt) implements Claim {}

    /** Stripe accepted it at {@code sentAt}: never send it again. */
    record Sent(Instant sentAt) implements Claim {}
  }

  /** Claims {@code identifier} unless it is claimed already, and says what was there. */
  Claim claim(String identifier, Instant now);

  /**
   * Records that Stripe accepted {@code identifier}.
   *
   * @return true if this call recorded it, false if it was recorded already
   */
  boolean markSent(String identifier, Instant now);
}
