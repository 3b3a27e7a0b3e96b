package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.closing.ClosingCountersContract;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * The DynamoDB closing counters keep the port's contract, on DynamoDB Local with the template's
 * Usage table.
 */
class DynamoClosingCountersContractTest extends ClosingCountersContract {
  private final DynamoUsageCounters counters =
      new DynamoUsageCounters(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));
  private final DynamoClosingCounters closing =
      new DynamoClosingCounters(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected ClosingCounters closing() {
    return closing;
  }
}
