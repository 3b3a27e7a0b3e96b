package sh.kaiten.domain.memory;

import sh.kaiten.domain.billing.ReconciliationTallies;
import sh.kaiten.domain.billing.ReconciliationTalliesContract;

class InMemoryReconciliationTalliesContractTest extends ReconciliationTalliesContract {
  private final InMemoryReconciliationTallies tallies = new InMemoryReconciliationTallies();

  @Override
  protected ReconciliationTallies tallies() {
    return tallies;
  }
}
