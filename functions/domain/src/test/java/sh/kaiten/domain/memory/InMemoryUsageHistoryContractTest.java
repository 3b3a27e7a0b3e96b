package sh.kaiten.domain.memory;

import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.metering.UsageHistoryContract;

/**
 * The in-memory history keeps the port's contract, so the usage views' tests mean what they say.
 */
class InMemoryUsageHistoryContractTest extends UsageHistoryContract {
  private final InMemoryCounters counters = new InMemoryCounters();
  private final InMemoryUsageHistory history = new InMemoryUsageHistory(counters);

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected UsageHistory history() {
    return history;
  }
}
