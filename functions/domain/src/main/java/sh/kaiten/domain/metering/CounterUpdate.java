package sh.kaiten.domain.metering;

import java.math.BigDecimal;

/** What an atomic counter did with an amount. */
public sealed interface CounterUpdate {
  /** The amount was added; {@code total} is the counter just after. */
  record Counted(BigDecimal total) implements CounterUpdate {}

  /** The amount would have passed the ceiling and was not added; {@code total} is the counter as it stands. */
  record Refused(BigDecimal total) implements CounterUpdate {}
}
