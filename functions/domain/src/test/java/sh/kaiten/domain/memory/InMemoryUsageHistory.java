package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.UsageHistory;

/** The periods the in-memory counters kept, in key order, as the DynamoDB adapter lists them. */
public final class InMemoryUsageHistory implements UsageHistory {
  private final InMemoryCounters counters;

  public InMemoryUsageHistory(InMemoryCounters counters) {
    this.counters = counters;
  }

  @Override
  public Slice periods(
      String tenantId,
      String entitlement,
      String holder,
      Aggregation aggregation,
      Instant from,
      Instant to,
      String after,
      int limit) {
    List<PeriodTally> periods =
        counters.tallies.entrySet().stream()
            .filter(
                e ->
                    e.getKey().tenantId().equals(tenantId)
                        && e.getKey().entitlement().equals(entitlement)
                        && e.getKey().holder().equals(holder))
            .filter(e -> after == null || e.getKey().period().compareTo(after) > 0)
            .filter(e -> within(e.getKey().period(), from, to))
            .map(e -> new PeriodTally(e.getKey().period(), e.getValue()))
            .sorted((a, b) -> a.period().compareTo(b.period()))
            .limit(limit + 1L)
            .toList();
    boolean more = periods.size() > limit;
    return new Slice(more ? periods.subList(0, limit) : periods, more);
  }

  private static boolean within(String period, Instant from, Instant to) {
    if (Period.LIFETIME.key().equals(period)) {
      return from == null && to == null;
    }
    Instant start = Instant.parse(period);
    return (from == null || !start.isBefore(from)) && (to == null || start.isBefore(to));
  }
}
