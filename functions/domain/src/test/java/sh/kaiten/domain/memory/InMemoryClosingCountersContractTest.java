package sh.kaiten.domain.memory;

import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.closing.ClosingCountersContract;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * The in-memory closing counters keep the port's contract, so the period closing's tests mean what
 * they say.
 */
class InMemoryClosingCountersContractTest extends ClosingCountersContract {
  private final InMemoryCounters counters = new InMemoryCounters();
  private final InMemoryClosingCounters closing = new InMemoryClosingCounters(counters);

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected ClosingCounters closing() {
    return closing;
  }
}
