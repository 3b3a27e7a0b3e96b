package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What a counter write notes beside the report, so that the scheduler can announce the period's
 * totals ({@code usage.period_closed}) once they are final, without reading the catalog.
 *
 * @param period the counter's period
 * @param finalAt when no report can land in the period any more ({@link Period#finalAt}); null for
 *     a lifetime counter, which never closes
 * @param limit the limit the report was held to; null for unlimited
 */
public record PeriodClose(Period period, Instant finalAt, BigDecimal limit) {

  public static PeriodClose of(Period period, Duration lateWindow, BigDecimal limit) {
    return new PeriodClose(period, period.finalAt(lateWindow), limit);
  }

  /** False for a lifetime counter: nothing is noted for it. */
  public boolean closes() {
    return finalAt != null;
  }
}
