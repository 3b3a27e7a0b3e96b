package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A MAX, MIN, AVERAGE or LATEST counter's period value as it stood at the end of a window: what a
 * {@code last} meter is sent once per window.
 *
 * @param holder the counter's holder ({@code instance:<id>} or {@code license:<id>})
 * @param windowStart the window's first instant; with the holder and entitlement it names the event
 * @param windowEnd the instant after the window; the event is stamped one second before it, so it
 *     falls inside the billing period the window ends
 * @param periodValue the counter's value for its period, reports up to {@code windowEnd} folded in
 */
public record WindowValue(
    String tenantId,
    String holder,
    String entitlement,
    Instant windowStart,
    Instant windowEnd,
    BigDecimal periodValue) {
  public WindowValue {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(entitlement, "entitlement");
    Objects.requireNonNull(periodValue, "periodValue");
    if (!windowStart.isBefore(windowEnd)) {
      throw new IllegalArgumentException("a window ends after it starts");
    }
  }
}
