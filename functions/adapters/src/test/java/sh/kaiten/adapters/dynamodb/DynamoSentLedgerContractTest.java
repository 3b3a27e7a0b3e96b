package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.billing.SentLedger;
import sh.kaiten.domain.billing.SentLedgerContract;

/** The DynamoDB sent-ledger keeps the port's contract, on DynamoDB Local with the Usage table. */
class DynamoSentLedgerContractTest extends SentLedgerContract {
  private final DynamoSentLedger ledger =
      new DynamoSentLedger(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected SentLedger ledger() {
    return ledger;
  }
}
