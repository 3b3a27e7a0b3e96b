package sh.kaiten.domain.memory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.billing.CountedUsage;
import sh.kaiten.domain.billing.ReconciliationTallies;

/**
 * A run's tallies in memory, for unit tests: each pair's total and the last page added to it, and
 * its latest event.
 */
public final class InMemoryReconciliationTallies implements ReconciliationTallies {
  private record Tally(BigDecimal total, int page) {}

  private final Map<String, Tally> tallies = new HashMap<>();
  private final Map<String, LastEvent> latest = new HashMap<>();

  private static String key(String tenantId, String runId, CountedUsage.Key pair) {
    return tenantId + " " + runId + " " + pair.entitlement() + " " + pair.customerId();
  }

  @Override
  public synchronized void add(
      String tenantId,
      String runId,
      int page,
      Map<CountedUsage.Key, BigDecimal> totals,
      Instant keepUntil) {
    totals.forEach(
        (pair, amount) -> {
          Tally before = tallies.get(key(tenantId, runId, pair));
          if (before == null) {
            tallies.put(key(tenantId, runId, pair), new Tally(amount, page));
          } else if (before.page() < page) {
            tallies.put(key(tenantId, runId, pair), new Tally(before.total().add(amount), page));
          }
        });
  }

  @Override
  public synchronized BigDecimal total(String tenantId, String runId, CountedUsage.Key pair) {
    Tally tally = tallies.get(key(tenantId, runId, pair));
    return tally == null ? BigDecimal.ZERO : tally.total();
  }

  @Override
  public synchronized void merge(
      String tenantId, String runId, Map<CountedUsage.Key, LastEvent> events, Instant keepUntil) {
    events.forEach(
        (pair, event) -> latest.merge(key(tenantId, runId, pair), event, LastEvent::latest));
  }

  @Override
  public synchronized Optional<LastEvent> latest(
      String tenantId, String runId, CountedUsage.Key pair) {
    return Optional.ofNullable(latest.get(key(tenantId, runId, pair)));
  }

  /** Pairs tallied, over every run. */
  public synchronized int size() {
    return tallies.size();
  }
}
