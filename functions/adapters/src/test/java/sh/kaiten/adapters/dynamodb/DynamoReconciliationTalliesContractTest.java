package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.billing.ReconciliationTallies;
import sh.kaiten.domain.billing.ReconciliationTalliesContract;

/** The DynamoDB tallies keep the port's contract, on DynamoDB Local with the template's tables. */
class DynamoReconciliationTalliesContractTest extends ReconciliationTalliesContract {
  private final DynamoReconciliationTallies tallies =
      new DynamoReconciliationTallies(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected ReconciliationTallies tallies() {
    return tallies;
  }
}
