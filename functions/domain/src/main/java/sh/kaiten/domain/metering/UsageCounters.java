package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/** Port: atomic usage counters. */
public interface UsageCounters {

  /**
   * Adds {@code amount} to the counter in one atomic step. With a {@code ceiling}, the amount is
   * added only if the total stays at or below it, decided by the store itself so that concurrent
   * adds can never pass it together.
   *
   * @param ceiling the highest total allowed after the add, or null for none; never below {@code amount}
   */
  CounterUpdate add(CounterKey key, BigDecimal amount, BigDecimal ceiling);

  /** The counter's total, zero when nothing was counted yet. */
  BigDecimal total(CounterKey key);

  /** The totals of many counters, read together (zero for those not counted yet). */
  Map<CounterKey, BigDecimal> totals(Collection<CounterKey> keys);
}
