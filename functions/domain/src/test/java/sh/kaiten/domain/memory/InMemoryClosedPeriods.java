package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sh.kaiten.domain.closing.ClosedPeriod;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** Closed periods in memory, for unit tests: one per tenant, period end, entitlement and holder. */
public final class InMemoryClosedPeriods implements ClosedPeriods {
  private final Map<String, ClosedPeriod> periods = new TreeMap<>();

  /** Sorts by period end, then entitlement and holder, as the DynamoDB adapter's sort key does. */
  private static String key(ClosedPeriod closed) {
    return String.format("%020d", closed.periodEnd().toEpochMilli())
        + "#"
        + closed.entitlement()
        + "#"
        + closed.holder();
  }

  @Override
  public synchronized void record(ClosedPeriod closed) {
    periods.put(closed.tenantId() + " " + key(closed), closed);
  }

  @Override
  public synchronized Page<ClosedPeriod> endingIn(
      String tenantId, Instant from, Instant to, PageRequest page) {
    List<ClosedPeriod> ending =
        periods.values().stream()
            .filter(closed -> closed.tenantId().equals(tenantId))
            .filter(closed -> !closed.periodEnd().isBefore(from))
            .filter(closed -> closed.periodEnd().isBefore(to))
            .toList();
    return InMemoryPages.page(ending, InMemoryClosedPeriods::key, true, page);
  }

  /** Every closed period kept, of every tenant. */
  public synchronized List<ClosedPeriod> all() {
    return List.copyOf(periods.values());
  }
}
