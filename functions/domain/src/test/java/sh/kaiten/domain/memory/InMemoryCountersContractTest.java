package sh.kaiten.domain.memory;

import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageCountersContract;

/** The in-memory counters keep the port's contract, so the use cases' tests mean what they say. */
class InMemoryCountersContractTest extends UsageCountersContract {
  private final InMemoryCounters counters = new InMemoryCounters();

  @Override
  protected UsageCounters counters() {
    return counters;
  }
}
