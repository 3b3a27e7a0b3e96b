package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.ReconciliationReportsContract;
import sh.kaiten.domain.events.Event;

/**
 * The DynamoDB reconciliation results keep the port's contract, on DynamoDB Local with the
 * template's Usage and Outbox tables.
 */
class DynamoReconciliationReportsContractTest extends ReconciliationReportsContract {
  private final DynamoReconciliationReports reports =
      new DynamoReconciliationReports(
          SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"), SuiteLocalAws.changes());

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected ReconciliationReports reports() {
    return reports;
  }

  @Override
  protected boolean outboxed(Event event) {
    return SuiteLocalAws.outboxed(event.id());
  }
}
