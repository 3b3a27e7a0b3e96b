package sh.kaiten.domain.memory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The counter port in memory, for unit tests: a whole tally per counter, atomic per counter like
 * the DynamoDB one.
 */
public final class InMemoryCounters implements UsageCounters {
  public final Map<CounterKey, Tally> tallies = new ConcurrentHashMap<>();
  public final Map<String, IdempotentReport> remembered = new ConcurrentHashMap<>();

  /**
   * What each counter's last write noted for its period's close, and the settings it was written
   * with.
   */
  public final Map<CounterKey, PeriodClose> closes = new ConcurrentHashMap<>();

  public final Map<CounterKey, Metering> meterings = new ConcurrentHashMap<>();

  /**
   * How many writes were asked for, of one report and of a group, applied or not: what a store
   * would be sent.
   */
  public int singleWrites;

  public int groupWrites;

  /** How many reads of many keys were asked for. */
  public int keyReads;

  /** How many reads of many counters together ({@link #tallies}) were asked for. */
  public int tallyReads;

  /**
   * Each counter's stored leases, expired ones included until a lease write prunes them ({@link
   * InMemoryLeases}).
   */
  public final Map<CounterKey, Map<String, Lease>> leases = new ConcurrentHashMap<>();

  /** Tells which leases are live: a plain report is held to its ceiling with the live ones. */
  public volatile Clock clock = Clock.systemUTC();

  /** The audit records stored with the reports they record ({@link #count}, {@link #countAll}). */
  public final List<AuditRecord> audit = new ArrayList<>();

  @Override
  public synchronized CounterUpdate count(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      IdempotentReport remember,
      ChangeRecords records) {
    singleWrites++;
    Tally reports = step.reports();
    return recorded(
        remember == null
            ? fold(key, metering, close, reports, ceiling)
            : foldOnce(
                key, metering, close, reports, ceiling, List.of(remember), reports.latestAt()),
        records);
  }

  @Override
  public synchronized CounterUpdate countAll(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      List<IdempotentReport> remember,
      ChangeRecords records,
      Instant now) {
    Tally reports = step.reports();
    requireAdditive(metering);
    // What DynamoDB would refuse as a request: more items than a transaction takes, or one item
    // twice.
    if (remember.size() + 1 + records.audit().size() > MAX_ITEMS_PER_WRITE) {
      throw new IllegalArgumentException(
          "a group writes at most " + MAX_ITEMS_PER_WRITE + " items");
    }
    if (new HashSet<>(remember.stream().map(IdempotentReport::key).toList()).size()
        != remember.size()) {
      throw new IllegalArgumentException("a group remembers each key once");
    }
    groupWrites++;
    return recorded(foldOnce(key, metering, close, reports, ceiling, remember, now), records);
  }

  /** The records are kept exactly when the reports are counted, as one transaction keeps them. */
  private CounterUpdate recorded(CounterUpdate update, ChangeRecords records) {
    if (update instanceof CounterUpdate.Counted) {
      audit.addAll(records.audit());
    }
    return update;
  }

  @Override
  public synchronized CounterUpdate add(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      BigDecimal value,
      Instant at,
      BigDecimal ceiling) {
    singleWrites++;
    return fold(key, metering, close, Tally.EMPTY.plus(value, at), ceiling);
  }

  @Override
  public synchronized CounterUpdate addAll(
      CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    requireAdditive(metering);
    groupWrites++;
    return fold(key, metering, close, reports, ceiling);
  }

  private CounterUpdate fold(
      CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    Tally before = tally(key, metering);
    Tally after = before.merge(reports);
    if (ceiling != null
        && after.value(metering.aggregation()).add(leased(key)).compareTo(ceiling) > 0) {
      return new CounterUpdate.Refused(before);
    }
    tallies.put(key, after);
    closes.put(key, close);
    meterings.put(key, metering);
    return new CounterUpdate.Counted(before, after);
  }

  /**
   * Nothing is written when any key was used already; the markers are kept only when the reports
   * are counted.
   */
  private CounterUpdate foldOnce(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      Tally reports,
      BigDecimal ceiling,
      List<IdempotentReport> remember,
      Instant now) {
    for (IdempotentReport report : remember) {
      Optional<IdempotentReport> first =
          remembered(report.tenantId(), report.instanceId(), report.key(), now);
      if (first.isPresent()) {
        return new CounterUpdate.Duplicate(first.get());
      }
    }
    CounterUpdate update = fold(key, metering, close, reports, ceiling);
    if (update instanceof CounterUpdate.Counted) {
      remember.forEach(
          report ->
              remembered.put(
                  markerKey(report.tenantId(), report.instanceId(), report.key()), report));
    }
    return update;
  }

  @Override
  public Optional<IdempotentReport> remembered(
      String tenantId, String instanceId, String key, Instant now) {
    return Optional.ofNullable(remembered.get(markerKey(tenantId, instanceId, key)))
        .filter(report -> report.expiresAt().isAfter(now));
  }

  @Override
  public Map<String, IdempotentReport> remembered(
      String tenantId, String instanceId, Collection<String> keys, Instant now) {
    Map<String, IdempotentReport> found = new HashMap<>();
    keys.forEach(
        key ->
            remembered(tenantId, instanceId, key, now).ifPresent(report -> found.put(key, report)));
    keyReads++;
    return found;
  }

  @Override
  public Tally tally(CounterKey key, Metering metering) {
    return tallies.getOrDefault(key, Tally.EMPTY);
  }

  @Override
  public Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> counters) {
    tallyReads++;
    Map<CounterKey, Tally> found = new HashMap<>();
    counters.forEach((key, metering) -> found.put(key, tally(key, metering)));
    return found;
  }

  /** The units of the counter's leases live now: they count against its ceiling as if used. */
  synchronized BigDecimal leased(CounterKey key) {
    Instant now = clock.instant();
    return leases.getOrDefault(key, Map.of()).values().stream()
        .filter(lease -> lease.liveAt(now))
        .map(Lease::units)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** The usage of a counter under SUM, as most tests meter. */
  public BigDecimal total(CounterKey key) {
    return tallies.getOrDefault(key, Tally.EMPTY).value(Aggregation.SUM);
  }

  private static void requireAdditive(Metering metering) {
    Aggregation aggregation = metering.aggregation();
    if (aggregation != Aggregation.SUM
        && aggregation != Aggregation.COUNT
        && aggregation != Aggregation.AVERAGE) {
      throw new IllegalArgumentException("only SUM, COUNT and AVERAGE counters take a group");
    }
  }

  private static String markerKey(String tenantId, String instanceId, String key) {
    return tenantId + "/" + instanceId + "/" + key;
  }
}
