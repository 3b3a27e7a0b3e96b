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
final class CounterItems {
  private final Map<CounterKey, Metering> counters;
  private final Map<Map<String, AttributeValue>, CounterKey> byItemKey =
      new LinkedHashMap<>();
  private final Map<CounterKey, Tally> tallies = new HashMap<>();

  CounterItems(Map<CounterKey, Metering> counters) {
    this.counters = counters;
    counters.forEach((key, metering) -> {
      tallies.put(key, Tally.EMPTY);
      for (int shard = 0; shard < metering.shards(); shard++) {
        byItemKey.put(DynamoUsageCounters.itemKey(key, shard), key);
      }
    });
  }

  List<Map<String, AttributeValue>> keys() {
    return new ArrayList<>(byItemKey.keySet());
  }

  /** Folds in an item the read returned. */
  void found(Map<String, AttributeValue> item) {
    CounterKey key = byItemKey.get(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK)));
    Tally shard = DynamoUsageCounters.tally(counters.get(key).aggregation(), item);
    tallies.merge(key, shard, Tally::merge);
  }

  /** Every counter asked for; {@link Tally#EMPTY} for those with no item yet. */
  Map<CounterKey, Tally> tallies() {
    return tallies;
  }
}
