package sh.kaiten.sdk;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One lease as this process holds it: the units the server granted, spent here by compare-and-set
 * with no lock and no request, and settled with the server in the background.
 *
 * <p>Amounts are micro-units (millionths, the server's 6 decimal places) in a long. What was spent
 * is {@code granted − left}, read from one atomic number, so a settlement can never miss a use that
 * succeeded, even one racing the grant's retirement. Under COUNT a use costs one unit (a report)
 * whatever its amount; the other dimension (the values' sum under COUNT, the number of reports
 * under SUM) is kept beside it for the server's totals.
 */
final class Grant {
  static final long MICRO = 1_000_000L;

  final String id;
  final long granted;

  /** Local epoch millis after which nothing is spent from it, well before the server ends it. */
  final long usableUntil;

  /** Local epoch millis from which a renewal is asked for, ahead of {@link #usableUntil}. */
  final long renewFrom;

  private final AtomicLong left;

  /** COUNT: the sum of the values used; SUM: how many uses. */
  private final LongAdder other = new LongAdder();

  // Background only: what has been settled, and the settlement sent but not answered yet.
  long settledUnits;
  long settledOther;
  int settlements;
  Settlement inFlight;

  /**
   * Set once, when it stops taking uses: what was left then (it goes back to the pool on release).
   */
  private volatile long leftover = -1;

  Grant(String id, long granted, long usableUntil, long renewFrom) {
    this.id = id;
    this.granted = granted;
    this.usableUntil = usableUntil;
    this.renewFrom = renewFrom;
    this.left = new AtomicLong(granted);
  }

  /**
   * Takes {@code cost} micro-units if this grant still has them; {@code other} is recorded beside.
   */
  boolean take(long cost, long other) {
    for (long now = left.get(); now >= cost; now = left.get()) {
      if (left.compareAndSet(now, now - cost)) {
        this.other.add(other);
        return true;
      }
    }
    return false;
  }

  long left() {
    return left.get();
  }

  /** Ends its taking: nothing more is spent from it. Idempotent; answers what was left. */
  synchronized long retire() {
    if (leftover < 0) {
      leftover = left.getAndSet(0);
    }
    return leftover;
  }

  boolean retired() {
    return leftover >= 0;
  }

  /** Micro-units spent here so far: exact once retired. */
  long spent() {
    long unspent = leftover >= 0 ? leftover : left.get();
    return granted - unspent;
  }

  long other() {
    return other.sum();
  }

  /** A settlement of what this grant spent, sent until the server answers for it, unchanged. */
  static final class Settlement {
    final String key;
    final long units;
    final long other;

    Settlement(String key, long units, long other) {
      this.key = key;
      this.units = units;
      this.other = other;
    }

    /** Micro-units as the decimal the server reads: 64 rather than 6.4E+1. */
    static BigDecimal exact(long micro) {
      BigDecimal exact = BigDecimal.valueOf(micro, 6).stripTrailingZeros();
      return exact.scale() < 0 ? exact.setScale(0) : exact;
    }
  }
}
