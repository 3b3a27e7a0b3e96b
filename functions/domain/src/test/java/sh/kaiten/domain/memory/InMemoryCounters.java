package sh.kaiten.domain.memory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.IdempotentReport;

/** The counter port in memory, for unit tests: a whole tally per counter, atomic per counter like the DynamoDB one. */
public final class InMemoryCounters implements UsageCounters {
  public final Map<CounterKey, Tally> tallies = new ConcurrentHashMap<>();
  public final Map<String, IdempotentReport> remembered = new ConcurrentHashMap<>();
  /** What each counter's last write noted for its period's close, and the settings it was written with. */
  public final Map<CounterKey, PeriodClose> closes = new ConcurrentHashMap<>();
  public final Map<CounterKey, Metering> meterings = new ConcurrentHashMap<>();

  @Override
  public synchronized CounterUpdate add(
      CounterKey key, Metering metering, PeriodClose close, BigDecimal value, Instant at, BigDecimal ceiling) {
    Tally before = tally(key, metering);
    Tally after = before.plus(value, at);
    if (ceiling != null && after.value(metering.aggregation()).compareTo(ceiling) > 0) {
      return new CounterUpdate.Refused(before);
    }
    tallies.put(key, after);
    closes.put(key, close);
    meterings.put(key, metering);
    return new CounterUpdate.Counted(before, after);
  }

  @Override
  public synchronized CounterUpdate addOnce(CounterKey key, Metering metering, PeriodClose close, BigDecimal value,
      Instant at, BigDecimal ceiling, Tally before, IdempotentReport remember) {
    Optional<IdempotentReport> first =
        remembered(remember.tenantId(), remember.instanceId(), remember.key(), at);
    if (first.isPresent()) {
      return new CounterUpdate.Duplicate(first.get());
    }
    CounterUpdate update = add(key, metering, close, value, at, ceiling);
    if (update instanceof CounterUpdate.Counted) {
      remembered.put(markerKey(remember.tenantId(), remember.instanceId(), remember.key()), remember);
    }
    return update;
  }

  @Override
  public Optional<IdempotentReport> remembered(String tenantId, String instanceId, String key, Instant now) {
    return Optional.ofNullable(remembered.get(markerKey(tenantId, instanceId, key)))
        .filter(report -> report.expiresAt().isAfter(now));
  }

  @Override
  public Tally tally(CounterKey key, Metering metering) {
    return tallies.getOrDefault(key, Tally.EMPTY);
  }

  @Override
  public Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> counters) {
    Map<CounterKey, Tally> found = new HashMap<>();
    counters.forEach((key, metering) -> found.put(key, tally(key, metering)));
    return found;
  }

  /** The usage of a counter under SUM, as most tests meter. */
  public BigDecimal total(CounterKey key) {
    return tallies.getOrDefault(key, Tally.EMPTY).value(Aggregation.SUM);
  }

  private static String markerKey(String tenantId, String instanceId, String key) {
    return tenantId + "/" + instanceId + "/" + key;
  }
}
