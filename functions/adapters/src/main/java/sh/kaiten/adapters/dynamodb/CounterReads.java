package sh.kaiten.adapters.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items a read of some counters asks for, one per shard, and the counters' tallies as the items
 * come back: a counter spread over shards is the merge of its shards.
 */
final class CounterReads {
  private final Map<CounterKey, Metering> counters;
  private final Map<Map<String, AttributeValue>, CounterKey> byItemKey = new LinkedHashMap<>();
  private final Map<CounterKey, Tally> tallies = new HashMap<>();

  CounterReads(Map<CounterKey, Metering> counters) {
    this.counters = counters;
    counters.forEach(
        (key, metering) -> {
          tallies.put(key, Tally.EMPTY);
          for (int shard = 0; shard < metering.shards(); shard++) {
            byItemKey.put(CounterItems.key(key, shard), key);
          }
        });
  }

  /** Every shard of a counter as it stands, in shard order. */
  static Tally[] shards(BatchReads reads, String table, CounterKey key, Metering metering) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int shard = 0; shard < metering.shards(); shard++) {
      keys.add(CounterItems.key(key, shard));
    }
    Map<Map<String, AttributeValue>, Tally> found = new HashMap<>();
    reads
        .read(table, keys)
        .forEach(
            item ->
                found.put(
                    Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK)),
                    CounterItems.tally(metering.aggregation(), item)));
    Tally[] shards = new Tally[metering.shards()];
    for (int shard = 0; shard < shards.length; shard++) {
      shards[shard] = found.getOrDefault(keys.get(shard), Tally.EMPTY);
    }
    return shards;
  }

  List<Map<String, AttributeValue>> keys() {
    return new ArrayList<>(byItemKey.keySet());
  }

  /** Folds in the items a read returned. */
  CounterReads found(List<Map<String, AttributeValue>> items) {
    items.forEach(this::found);
    return this;
  }

  private void found(Map<String, AttributeValue> item) {
    CounterKey key = byItemKey.get(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK)));
    Tally shard = CounterItems.tally(counters.get(key).aggregation(), item);
    tallies.merge(key, shard, Tally::merge);
  }

  /** Every counter asked for; {@link Tally#EMPTY} for those with no item yet. */
  Map<CounterKey, Tally> tallies() {
    return tallies;
  }
}
