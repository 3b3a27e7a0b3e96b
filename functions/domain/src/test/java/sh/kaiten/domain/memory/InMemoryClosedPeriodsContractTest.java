package sh.kaiten.domain.memory;

import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.closing.ClosedPeriodsContract;

class InMemoryClosedPeriodsContractTest extends ClosedPeriodsContract {
  private final InMemoryClosedPeriods closed = new InMemoryClosedPeriods();

  @Override
  protected ClosedPeriods closed() {
    return closed;
  }
}
