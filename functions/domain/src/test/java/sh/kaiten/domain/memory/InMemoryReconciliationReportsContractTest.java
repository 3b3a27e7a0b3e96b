package sh.kaiten.domain.memory;

import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.ReconciliationReportsContract;
import sh.kaiten.domain.events.Event;

class InMemoryReconciliationReportsContractTest extends ReconciliationReportsContract {
  private final InMemoryReconciliationReports reports = new InMemoryReconciliationReports();

  @Override
  protected ReconciliationReports reports() {
    return reports;
  }

  @Override
  protected boolean outboxed(Event event) {
    return reports.outbox.events.contains(event);
  }
}
