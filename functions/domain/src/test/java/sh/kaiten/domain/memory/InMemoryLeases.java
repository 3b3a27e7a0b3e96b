package sh.kaiten.domain.memory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.LeasedCounter;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The lease port in memory, on the counters of an {@link InMemoryCounters} (so plain reports see
 * the leases): each write checks what the DynamoDB adapter's condition checks, against the counter
 * as it is now, and throws {@link CounterContendedException} where that condition would fail.
 */
public final class InMemoryLeases implements QuotaLeases {
  private final InMemoryCounters counters;

  /** How many lease writes were asked for, applied or not. */
  public int writes;

  public InMemoryLeases(InMemoryCounters counters) {
    this.counters = counters;
  }

  @Override
  public LeasedCounter read(CounterKey key, Metering metering) {
    synchronized (counters) {
      Tally tally = counters.tally(key, metering);
      Map<String, Lease> stored = counters.leases.getOrDefault(key, Map.of());
      BigDecimal held =
          stored.values().stream()
              .map(Lease::units)
              .reduce(tally.value(metering.aggregation()), BigDecimal::add);
      return new LeasedCounter(tally, held, true, stored);
    }
  }

  @Override
  public void grant(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      BigDecimal ceiling,
      int maxLeases,
      Instant now,
      ChangeRecords records) {
    synchronized (counters) {
      writes++;
      LeasedCounter current = read(key, metering);
      BigDecimal freed = pruned(current, seen, now);
      if (seen.leases().isEmpty() && !current.leases().isEmpty()) {
        throw moved();
      }
      heldTo(current.held().subtract(freed).add(lease.units()), ceiling);
      if (current.leases().size() - seen.expired(now).size() + 1 > maxLeases) {
        throw moved();
      }
      Map<String, Lease> next = prune(key, seen, now);
      next.put(lease.id(), lease);
      counters.leases.put(key, next);
      counters.audit.addAll(records.audit());
    }
  }

  @Override
  public CounterUpdate settle(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      LeasedCounter seen,
      Lease lease,
      BigDecimal value,
      long reports,
      Instant at,
      BigDecimal fromLease,
      BigDecimal fromPool,
      BigDecimal ceiling,
      Instant now,
      IdempotentReport remember,
      ChangeRecords records) {
    synchronized (counters) {
      writes++;
      if (remember != null) {
        Optional<IdempotentReport> first =
            counters.remembered(remember.tenantId(), remember.instanceId(), remember.key(), at);
        if (first.isPresent()) {
          return new CounterUpdate.Duplicate(first.get());
        }
      }
      LeasedCounter current = read(key, metering);
      unchanged(current, lease);
      BigDecimal freed = pruned(current, seen, now);
      if (fromPool.signum() > 0) {
        heldTo(current.held().subtract(freed).add(fromPool), ceiling);
      }
      Map<String, Lease> next = prune(key, seen, now);
      next.put(lease.id(), lease.withUnits(lease.units().subtract(fromLease)));
      counters.leases.put(key, next);
      Tally before = current.tally();
      Tally after = before.plus(value, reports, at);
      counters.tallies.put(key, after);
      counters.closes.put(key, close);
      counters.meterings.put(key, metering);
      if (remember != null) {
        counters.remembered.put(
            remember.tenantId() + "/" + remember.instanceId() + "/" + remember.key(), remember);
      }
      counters.audit.addAll(records.audit());
      return new CounterUpdate.Counted(before, after);
    }
  }

  @Override
  public void release(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      Instant now,
      ChangeRecords records) {
    synchronized (counters) {
      writes++;
      LeasedCounter current = read(key, metering);
      unchanged(current, lease);
      pruned(current, seen, now);
      Map<String, Lease> next = prune(key, seen, now);
      next.remove(lease.id());
      counters.leases.put(key, next);
      counters.audit.addAll(records.audit());
    }
  }

  /** The units of the leases seen expired, each of which must still be stored. */
  private static BigDecimal pruned(LeasedCounter current, LeasedCounter seen, Instant now) {
    BigDecimal freed = BigDecimal.ZERO;
    for (Lease expired : seen.expired(now)) {
      if (!current.leases().containsKey(expired.id())) {
        throw moved();
      }
      freed = freed.add(expired.units());
    }
    return freed;
  }

  private Map<String, Lease> prune(CounterKey key, LeasedCounter seen, Instant now) {
    Map<String, Lease> next = new HashMap<>(counters.leases.getOrDefault(key, Map.of()));
    List<Lease> expired = seen.expired(now);
    expired.forEach(lease -> next.remove(lease.id()));
    return next;
  }

  private static void unchanged(LeasedCounter current, Lease lease) {
    Lease stored = current.leases().get(lease.id());
    if (stored == null
        || stored.units().compareTo(lease.units()) != 0
        || !stored.expiresAt().equals(lease.expiresAt())) {
      throw moved();
    }
  }

  private static void heldTo(BigDecimal held, BigDecimal ceiling) {
    if (ceiling != null && held.compareTo(ceiling) > 0) {
      throw moved();
    }
  }

  private static CounterContendedException moved() {
    return new CounterContendedException(null);
  }
}
