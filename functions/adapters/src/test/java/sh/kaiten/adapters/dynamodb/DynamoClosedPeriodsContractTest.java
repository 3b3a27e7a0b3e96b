package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.closing.ClosedPeriodsContract;

/**
 * The DynamoDB closed periods keep the port's contract, on DynamoDB Local with the template's
 * tables.
 */
class DynamoClosedPeriodsContractTest extends ClosedPeriodsContract {
  private final DynamoClosedPeriods closed =
      new DynamoClosedPeriods(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected ClosedPeriods closed() {
    return closed;
  }
}
