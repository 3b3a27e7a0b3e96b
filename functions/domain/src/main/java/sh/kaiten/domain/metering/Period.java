package sh.kaiten.domain.metering;

import java.time.Duration;
import java.time.Instant;

/**
 * The half-open time range [start, end) a counter covers. Both ends are null for a lifetime counter
 * ({@code reset: NONE}).
 */
public record Period(Instant start, Instant end) {
  public static final Period LIFETIME = new Period(null, null);

  /**
   * Whether {@code at} falls in this period: start inclusive, end exclusive; the lifetime holds
   * every instant.
   */
  public boolean contains(Instant at) {
    return start == null || !at.isBefore(start) && at.isBefore(end);
  }

  /**
   * When the period's totals are final: a report may land in its period up to {@code lateWindow}
   * after the period's end, and never later.
   *
   * @return null for the lifetime, which never closes
   */
  public Instant finalAt(Duration lateWindow) {
    return end == null ? null : end.plus(lateWindow);
  }

  /** A stable, sortable name for the period, used in counter keys. */
  public String key() {
    return start == null ? "lifetime" : start.toString();
  }
}
