package sh.kaiten.domain.closing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * A counter period as its close announced it ({@code usage.period_closed}): the same figures, kept
 * for the reads that come after the event (a reconciliation's {@code last} meters).
 *
 * @param holder the counter's holder ({@code instance:<id>} or {@code license:<id>})
 * @param usage the period's final value, as the event's {@code usage}
 */
public record ClosedPeriod(
    String tenantId,
    String holder,
    String entitlement,
    Aggregation aggregation,
    Instant periodStart,
    Instant periodEnd,
    BigDecimal usage) {
  public ClosedPeriod {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(entitlement, "entitlement");
    Objects.requireNonNull(aggregation, "aggregation");
    Objects.requireNonNull(usage, "usage");
    if (!periodStart.isBefore(periodEnd)) {
      throw new IllegalArgumentException("a period ends after it starts");
    }
  }
}
