package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.metering.UsageHistoryContract;

/** The DynamoDB history keeps the port's contract, on DynamoDB Local with the template's Usage table. */
class DynamoUsageHistoryContractTest extends UsageHistoryContract {
  private final DynamoUsageCounters counters =
      new DynamoUsageCounters(SharedLocalAws.dynamo(), SharedLocalAws.table("UsageTable"));
  private final DynamoUsageHistory history =
      new DynamoUsageHistory(SharedLocalAws.dynamo(), SharedLocalAws.table("UsageTable"));

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected UsageHistory history() {
    return history;
  }
}
