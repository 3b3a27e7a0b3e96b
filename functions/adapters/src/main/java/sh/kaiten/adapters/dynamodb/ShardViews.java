package sh.kaiten.adapters.dynamodb;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Tally;

/**
 * How this function instance sees each counter spread over shards: every shard as last read, at
 * most {@link #FRESHNESS} ago, with the shards this instance wrote since as it wrote them. A report
 * then costs one write and, at most once a second per counter, one read of all shards.
 *
 * <p>The usage "before" a report is the usage this instance last answered, so a reread that shows
 * other instances' reports counts as movement too: a threshold the counter passed is seen by every
 * instance that reports after it, within a second, and the threshold evaluator fires it once.
 */
final class ShardViews {
  static final Duration FRESHNESS = Duration.ofSeconds(1);

  /** Beyond this many counters the views start over, so memory stays bounded. */
  private static final int MAX_COUNTERS = 10_000;

  private static final class View {
    Tally[] shards;
    long readAt;
    Tally answered = Tally.EMPTY;
  }

  private final Map<CounterKey, View> views = new ConcurrentHashMap<>();

  /**
   * The counter before and after a report that left {@code shard} at {@code written}.
   *
   * @param readAll reads every shard as it stands now
   */
  CounterUpdate written(
      CounterKey key, int shardCount, int shard, Tally written, Supplier<Tally[]> readAll) {
    if (views.size() >= MAX_COUNTERS && !views.containsKey(key)) {
      views.clear();
    }
    View view = views.computeIfAbsent(key, k -> new View());
    synchronized (view) {
      long now = System.nanoTime();
      if (view.shards == null
          || view.shards.length != shardCount
          || now - view.readAt > FRESHNESS.toNanos()) {
        view.shards = readAll.get(); // read after the write: it holds this report
        view.readAt = now;
      } else {
        view.shards[shard] = written;
      }
      Tally whole = Tally.EMPTY;
      for (Tally each : view.shards) {
        whole = whole.merge(each);
      }
      Tally before = view.answered;
      view.answered = whole;
      return new CounterUpdate.Counted(before, whole);
    }
  }
}
