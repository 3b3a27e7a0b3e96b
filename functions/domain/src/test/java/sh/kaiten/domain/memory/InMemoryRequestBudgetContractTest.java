package sh.kaiten.domain.memory;

import java.time.Clock;
import java.time.Duration;
import sh.kaiten.domain.access.RequestBudget;
import sh.kaiten.domain.access.RequestBudgetContract;

/** The in-memory request budgets keep the port's contract. */
class InMemoryRequestBudgetContractTest extends RequestBudgetContract {
  private final InMemoryRequestBudgets budgets = new InMemoryRequestBudgets();

  @Override
  protected RequestBudget instance(Clock clock, int defaultPerSecond, Duration window) {
    return budgets.instance(clock, defaultPerSecond, window);
  }

  @Override
  protected void setLimit(String tenantId, int requestsPerSecond) {
    budgets.setLimit(tenantId, requestsPerSecond);
  }
}
