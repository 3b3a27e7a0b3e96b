package sh.kaiten.adapters.dynamodb;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.access.RequestBudget;
import sh.kaiten.domain.access.RequestBudgetContract;

/**
 * The DynamoDB request budgets keep the port's contract, on DynamoDB Local with the template's
 * RequestBudgets table.
 */
class DynamoRequestBudgetContractTest extends RequestBudgetContract {
  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected RequestBudget instance(Clock clock, int defaultPerSecond, Duration window) {
    return budget(clock, defaultPerSecond, window);
  }

  @Override
  protected void setLimit(String tenantId, int requestsPerSecond) {
    budget(clock, 1, WINDOW).setLimit(tenantId, requestsPerSecond);
  }

  private static DynamoRequestBudget budget(Clock clock, int defaultPerSecond, Duration window) {
    return new DynamoRequestBudget(
        SuiteLocalAws.dynamo(),
        SuiteLocalAws.table("RequestBudgetsTable"),
        clock,
        defaultPerSecond,
        window);
  }
}
