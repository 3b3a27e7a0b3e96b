package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.metering.UsageHistoryContract;

/**
 * The DynamoDB history keeps the port's contract, on DynamoDB Local with the template's Usage
 * table.
 */
class DynamoUsageHistoryContractTest extends UsageHistoryContract {
  private final DynamoUsageCounters counters =
      new DynamoUsageCounters(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));
  private final DynamoUsageHistory history =
      new DynamoUsageHistory(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected UsageHistory history() {
    return history;
  }
}
