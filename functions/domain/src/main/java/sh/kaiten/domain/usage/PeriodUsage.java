package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.Period;

/**
 * The total of one counter over one period, as billing and sales read it.
 *
 * @param holder {@code instance:<id>} or {@code license:<id>}
 * @param period both ends null for a lifetime counter
 * @param reports how many reports were counted, for the aggregations that keep it (SUM, COUNT,
 *     AVERAGE); null for MAX, MIN and LATEST, whose counters keep only their value
 * @param closed whether the period has ended, so its total can no longer change (late reports land
 *     only within the late window: a period is final once that window has passed its end too)
 */
public record PeriodUsage(
    String entitlement,
    String holder,
    Period period,
    Aggregation aggregation,
    BigDecimal usage,
    Long reports,
    boolean closed) {}
