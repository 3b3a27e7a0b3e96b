package sh.kaiten.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A HARD SUM or COUNT entitlement decided from leases: the grant in use, the one asked for ahead of
 * it, and the retired ones still to settle and release. A use is one compare-and-set on the grant
 * in use, or on the next one, which then takes over; only when both are empty (or past use) does
 * the caller's thread ask the server, under this object's lock so one thread asks for all.
 */
final class LeasedQuota {
  final String entitlement;

  /** COUNT: a use costs one unit (one report) whatever its amount. */
  final boolean counts;

  private volatile Grant current;
  private volatile Grant next;

  /** Retired grants whose spending is not settled or whose lease is not released yet. */
  final ConcurrentLinkedQueue<Grant> retired = new ConcurrentLinkedQueue<>();

  /**
   * The server found nothing left: uses are refused here, with no request, until then (epoch
   * millis).
   */
  volatile long exhaustedUntil;

  /** Why the server granted nothing, answered while {@link #exhaustedUntil} lasts. */
  volatile Reason refusal = Reason.LIMIT_REACHED;

  /** The server could not be reached for a grant: uses are decided from the snapshot until then. */
  volatile long unreachableUntil;

  /**
   * The server does not lease this entitlement (sharded, say): decided from the snapshot for good.
   */
  volatile boolean unleasable;

  /**
   * What remains of the limit for everyone, as the last answer about a lease said; -1 before one.
   */
  volatile long available = -1;

  /** The largest cost of one use seen, so a grant is never asked smaller than a use. */
  volatile long largestCost;

  /** Units per second spent here lately, for the size of the next grant. */
  volatile double rate;

  /** Held by the one thread asking the server for a grant; never while {@code this} is. */
  final Object asking = new Object();

  /** Background only: uses counted at the last round, to tell whether anything is still used. */
  long demandAtLastRound;

  private long spentAtLastRound;
  private long lastRoundAt;

  final LongAdder decidedLocally = new LongAdder();
  final LongAdder decidedAfterRequest = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder grants = new LongAdder();
  final LongAdder unitsGranted = new LongAdder();
  final LongAdder settlements = new LongAdder();
  final LongAdder releases = new LongAdder();

  /** Micro-units spent from every grant ever held here. */
  private final LongAdder spentRetired = new LongAdder();

  LeasedQuota(String entitlement, boolean counts, long now) {
    this.entitlement = entitlement;
    this.counts = counts;
    this.lastRoundAt = now;
  }

  /** What one use of {@code valueMicro} costs of a grant, in micro-units. */
  long cost(long valueMicro) {
    return counts ? Grant.MICRO : valueMicro;
  }

  /**
   * Spends {@code cost} from the grant in use, or from the next one (which takes over); false when
   * neither has it now. No lock and no request.
   */
  boolean spend(long now, long cost, long other) {
    Grant held = current;
    if (held != null && now < held.usableUntil && held.take(cost, other)) {
      return true;
    }
    Grant ahead = next;
    if (ahead != null && now < ahead.usableUntil && ahead.take(cost, other)) {
      takeOver(held, ahead);
      return true;
    }
    return false;
  }

  /** Whether a use of {@code cost} would be spent from a grant now (nothing is taken). */
  boolean covers(long now, long cost) {
    Grant held = current;
    Grant ahead = next;
    return held != null && now < held.usableUntil && held.left() >= cost
        || ahead != null && now < ahead.usableUntil && ahead.left() >= cost;
  }

  /**
   * Whether a renewal should be asked for now: no grant ahead, and the one in use is low or ageing.
   */
  boolean wantsRenewal(long now) {
    Grant held = current;
    if (next != null) {
      return false;
    }
    return held == null
        || now >= held.renewFrom
        || held.left() * 2 < held.granted
        || held.left() < largestCost;
  }

  /** The grant ahead becomes the one in use; the one it replaces retires. */
  synchronized void takeOver(Grant from, Grant to) {
    if (next == to) {
      next = null;
      Grant replaced = current;
      current = to;
      if (replaced != null) {
        retire(replaced);
      }
    }
  }

  /** A new grant: in use at once when there is none usable, else next in line. */
  synchronized void install(Grant grant, long now) {
    grants.increment();
    unitsGranted.add(grant.granted);
    Grant held = current;
    if (held == null || now >= held.usableUntil || held.left() < largestCost) {
      current = grant;
      if (held != null) {
        retire(held);
      }
    } else if (next == null) {
      next = grant;
    } else {
      retire(grant); // cannot happen while one thread installs at a time; released rather than lost
    }
  }

  /**
   * Retires every grant past its use (or all of them): they settle and are released in the
   * background.
   */
  synchronized void retireDue(long now, boolean all) {
    Grant ahead = next;
    if (ahead != null && (all || now >= ahead.usableUntil)) {
      next = null;
      retire(ahead);
    }
    Grant held = current;
    if (held != null && (all || now >= held.usableUntil || held.left() == 0 && next != null)) {
      current = next;
      next = null;
      retire(held);
    }
  }

  private void retire(Grant grant) {
    grant.retire();
    retired.add(grant);
  }

  /** The grants still taking uses. */
  List<Grant> live() {
    List<Grant> live = new ArrayList<>(2);
    Grant held = current;
    Grant ahead = next;
    if (held != null) {
      live.add(held);
    }
    if (ahead != null) {
      live.add(ahead);
    }
    return live;
  }

  /** Micro-units this process holds and has not spent. */
  long holding() {
    long held = 0;
    for (Grant grant : live()) {
      held += grant.left();
    }
    return held;
  }

  void spentFromRetired(long micro) {
    spentRetired.add(micro);
  }

  /**
   * Updates the recent rate from what was spent since the last round (the background's, or a
   * synchronous ask).
   */
  synchronized void round(long now) {
    long spent = spentRetired.sum();
    for (Grant grant : live()) {
      spent += grant.spent();
    }
    long elapsed = now - lastRoundAt;
    if (elapsed > 0) {
      double observed = (spent - spentAtLastRound) / (double) Grant.MICRO * 1000.0 / elapsed;
      rate = Math.max(observed, rate / 2); // up at once, down by halves
      spentAtLastRound = spent;
      lastRoundAt = now;
    }
  }

  /**
   * How many micro-units to ask for: what this process uses over {@code horizonMillis} at its
   * recent rate (at least 64 uses), capped at {@code share} of what remains for everyone, and never
   * less than one use. A whole number of the largest use, so no grant keeps a fraction of a use
   * nobody can spend.
   */
  long ask(long horizonMillis, double share, long remainingMicro) {
    long cost = Math.max(largestCost, 1);
    double byRate = rate * Grant.MICRO * horizonMillis / 1000.0;
    double wanted = Math.max(byRate, 64.0 * cost);
    double cap = Math.max(share * remainingMicro, cost);
    long uses = (long) (Math.min(Math.min(wanted, cap), Leases.MAX_GRANT) / cost);
    return Math.max(1, uses) * cost;
  }

  LeaseStatistics statistics() {
    return new LeaseStatistics(
        entitlement,
        decidedLocally.sum(),
        decidedAfterRequest.sum(),
        refused.sum(),
        grants.sum(),
        Grant.Settlement.exact(unitsGranted.sum()),
        settlements.sum(),
        releases.sum(),
        Grant.Settlement.exact(holding()));
  }
}
