package sh.kaiten.sdk;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this process knows of one entitlement beyond the snapshot: the usage it queued and how much
 * of it the server has answered for, the tallies of its checks per minute, and its last answer.
 * Outlives snapshots; nothing on the check path allocates.
 */
final class Meter {
  private static final int BUCKETS = 4;
  private static final long MINUTE = 60_000;
  private static final int KINDS = Reason.count() * 2;

  final String entitlement;
  private final DoubleAdder queued = new DoubleAdder();
  private final LongAdder queuedCount = new LongAdder();
  private final DoubleAdder settled = new DoubleAdder();
  private final LongAdder settledCount = new LongAdder();

  /**
   * Moves whenever usage is queued or settled, so a remembered answer can tell it is out of date.
   */
  private final AtomicLong version = new AtomicLong();

  /** The last answer, given again while nothing it was decided from has changed. */
  volatile Check last;

  // Check tallies: four minutes in a ring, one counter per (reason, decision) in each.
  private final AtomicLongArray bucketMinute = new AtomicLongArray(BUCKETS);
  private final LongAdder[][] counts = new LongAdder[BUCKETS][KINDS];

  Meter(String entitlement) {
    this.entitlement = entitlement;
    for (int b = 0; b < BUCKETS; b++) {
      bucketMinute.set(b, -1);
      for (int k = 0; k < KINDS; k++) {
        counts[b][k] = new LongAdder();
      }
    }
  }

  void queued(double value) {
    queued.add(value);
    queuedCount.increment();
    version.incrementAndGet();
  }

  void settled(double value) {
    settled(value, 1);
  }

  /** The server answered for {@code reports} reports whose values sum to {@code value}. */
  void settled(double value, long reports) {
    settled.add(value);
    settledCount.add(reports);
    version.incrementAndGet();
  }

  long version() {
    return version.get();
  }

  /** What the server has answered for so far. */
  Settled settledNow() {
    return new Settled(settled.sum(), settledCount.sum());
  }

  /** How much usage, in how many reports, the server had answered for at one moment. */
  static final class Settled {
    final double value;
    final long count;

    Settled(double value, long count) {
      this.value = value;
      this.count = count;
    }
  }

  /** Usage queued and not answered for when {@code entry}'s snapshot was asked for. */
  double pending(Snapshot.Entry entry) {
    return queued.sum() - entry.settledAtFetch;
  }

  /** Reports queued and not answered for when {@code entry}'s snapshot was asked for. */
  long pendingCount(Snapshot.Entry entry) {
    return queuedCount.sum() - entry.settledCountAtFetch;
  }

  /** Counts one check made at {@code nowMillis}. */
  void tally(long nowMillis, Reason reason, boolean allowed) {
    long minute = nowMillis / MINUTE;
    int bucket = (int) (minute & (BUCKETS - 1));
    if (bucketMinute.get(bucket) != minute) {
      turn(bucket, minute);
    }
    counts[bucket][reason.ordinal() * 2 + (allowed ? 1 : 0)].increment();
  }

  /**
   * A bucket comes round to a new minute: what it held of an older one is kept for the next drain.
   */
  private synchronized void turn(int bucket, long minute) {
    long held = bucketMinute.get(bucket);
    if (held == minute) {
      return;
    }
    if (held >= 0) {
      carried.addAll(take(bucket, held));
    }
    bucketMinute.set(bucket, minute);
  }

  private final List<CheckTally> carried = new java.util.ArrayList<>();

  /**
   * Adds to {@code out} the tallies of finished minutes (and of the running one when {@code
   * currentMinute}), each once.
   */
  synchronized void drain(long nowMillis, boolean currentMinute, List<CheckTally> out) {
    out.addAll(carried);
    carried.clear();
    long now = nowMillis / MINUTE;
    for (int b = 0; b < BUCKETS; b++) {
      long minute = bucketMinute.get(b);
      if (minute >= 0 && (minute < now || currentMinute && minute == now)) {
        out.addAll(take(b, minute));
      }
    }
  }

  private List<CheckTally> take(int bucket, long minute) {
    List<CheckTally> taken = new java.util.ArrayList<>();
    for (int k = 0; k < KINDS; k++) {
      long count = counts[bucket][k].sumThenReset();
      if (count > 0) {
        taken.add(
            new CheckTally(
                entitlement,
                Instant.ofEpochMilli(minute * MINUTE),
                (k & 1) == 1,
                Reason.of(k / 2),
                count));
      }
    }
    return taken;
  }
}
