package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.closing.CounterItem;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.PeriodClose;

/**
 * The counters filed for their close, in memory, for unit tests: a view of {@link InMemoryCounters}
 * (each counter one item, filed as its writes noted), plus shard items a test files by hand, as
 * DynamoDB keeps a sharded counter's other shards.
 */
public final class InMemoryClosingCounters implements ClosingCounters {
  private record Filed(CounterItem item, Instant finalAt) {}

  private record ItemKey(CounterKey counter, int shard) {}

  private final InMemoryCounters counters;
  private final List<Filed> shards = new CopyOnWriteArrayList<>();
  private final Set<ItemKey> done = ConcurrentHashMap.newKeySet();

  public InMemoryClosingCounters(InMemoryCounters counters) {
    this.counters = counters;
  }

  /** Files one more shard item of a counter. */
  public void fileShard(CounterItem item, Instant finalAt) {
    shards.add(new Filed(item, finalAt));
  }

  /** The items still filed: those not done with. */
  public List<CounterItem> pending() {
    return filed().stream().map(Filed::item).filter(item -> !done.contains(key(item))).toList();
  }

  @Override
  public List<CounterKey> due(Instant until, int limit) {
    return filed().stream()
        .filter(filed -> !filed.finalAt().isAfter(until) && !done.contains(key(filed.item())))
        .sorted(Comparator.comparing(Filed::finalAt))
        .map(filed -> filed.item().counter())
        .distinct()
        .limit(limit)
        .toList();
  }

  @Override
  public List<CounterItem> items(CounterKey counter) {
    return filed().stream()
        .map(Filed::item)
        .filter(item -> item.counter().equals(counter))
        .toList();
  }

  @Override
  public void done(CounterItem item) {
    done.add(key(item));
  }

  /**
   * Every item filed: each counter whose writes noted a close, as shard 0, then the shards filed by
   * hand.
   */
  private List<Filed> filed() {
    List<Filed> all = new ArrayList<>();
    for (Map.Entry<CounterKey, PeriodClose> noted : counters.closes.entrySet()) {
      PeriodClose close = noted.getValue();
      if (close.closes()) {
        CounterKey counter = noted.getKey();
        all.add(
            new Filed(
                new CounterItem(
                    counter,
                    0,
                    counters.meterings.get(counter).aggregation(),
                    close.period(),
                    close.limit(),
                    counters.tallies.get(counter)),
                close.finalAt()));
      }
    }
    all.addAll(shards);
    return all;
  }

  private static ItemKey key(CounterItem item) {
    return new ItemKey(item.counter(), item.shard());
  }
}
