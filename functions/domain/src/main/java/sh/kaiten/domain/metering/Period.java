package sh.kaiten.domain.metering;

import java.time.Instant;

/**
 * The half-open time range [start, end) a counter covers. Both ends are null for a lifetime counter
 * ({@code reset: NONE}).
 */
public record Period(Instant start, Instant end) {
  public static final Period LIFETIME = new Period(null, null);

  /** Whether {@code at} falls in this period: start inclusive, end exclusive; the lifetime holds every instant. */
  public boolean contains(Instant at) {
    return start == null || !at.isBefore(start) && at.isBefore(end);
  }

  /** A stable, sortable name for the period, used in counter keys. */
  public String key() {
    return start == null ? "lifetime" : start.toString();
  }
}
