package sh.kaiten.domain.memory;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.UsageCounters;

/** The counter port in memory, for unit tests; atomic per key like the DynamoDB one. */
public final class InMemoryCounters implements UsageCounters {
  public final Map<CounterKey, BigDecimal> totals = new ConcurrentHashMap<>();

  @Override
  public CounterUpdate add(CounterKey key, BigDecimal amount, BigDecimal ceiling) {
    CounterUpdate[] result = new CounterUpdate[1];
    totals.compute(key, (k, current) -> {
      BigDecimal before = current == null ? BigDecimal.ZERO : current;
      BigDecimal after = before.add(amount);
      if (ceiling != null && after.compareTo(ceiling) > 0) {
        result[0] = new CounterUpdate.Refused(before);
        return current;
      }
      result[0] = new CounterUpdate.Counted(after);
      return after;
    });
    return result[0];
  }

  @Override
  public BigDecimal total(CounterKey key) {
    return totals.getOrDefault(key, BigDecimal.ZERO);
  }

  @Override
  public Map<CounterKey, BigDecimal> totals(Collection<CounterKey> keys) {
    Map<CounterKey, BigDecimal> found = new HashMap<>();
    keys.forEach(key -> found.put(key, total(key)));
    return found;
  }
}
