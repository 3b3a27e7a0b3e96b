package sh.kaiten.domain.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.RequestBudget;

/**
 * Tenants' request budgets in memory, for unit tests: one count per tenant and fixed window, shared
 * by every {@link #instance} as the DynamoDB table is shared by function instances. Each request
 * takes one from the window (DynamoDB's instances claim slices of it, so they too never pass the
 * budget).
 */
public final class InMemoryRequestBudgets {
  private final Map<String, Long> used = new ConcurrentHashMap<>();
  private final Map<String, Integer> limits = new ConcurrentHashMap<>();

  /** Gives a tenant a budget of its own, in requests per second. */
  public void setLimit(String tenantId, int requestsPerSecond) {
    limits.put(tenantId, requestsPerSecond);
  }

  /** A function instance's view of the budgets. */
  public RequestBudget instance(Clock clock, int defaultPerSecond, Duration window) {
    long seconds = window.getSeconds();
    return tenantId -> {
      Instant now = clock.instant();
      long start = Math.floorDiv(now.getEpochSecond(), seconds) * seconds;
      long limit = (long) limits.getOrDefault(tenantId, defaultPerSecond) * seconds;
      long[] taken = new long[1];
      used.compute(
          tenantId + "#" + start,
          (key, count) -> {
            long before = count == null ? 0 : count;
            taken[0] = before < limit ? 1 : 0;
            return before + taken[0];
          });
      return taken[0] == 1
          ? Optional.empty()
          : Optional.of(Duration.between(now, Instant.ofEpochSecond(start + seconds)));
    };
  }
}
