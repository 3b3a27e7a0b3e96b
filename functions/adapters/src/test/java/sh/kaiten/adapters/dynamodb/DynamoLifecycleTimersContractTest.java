package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.lifecycle.LifecycleTimersContract;

/**
 * The DynamoDB timers keep the port's contract, on DynamoDB Local with the template's Catalog
 * table.
 */
class DynamoLifecycleTimersContractTest extends LifecycleTimersContract {
  private final DynamoLifecycleTimers timers =
      new DynamoLifecycleTimers(
          SuiteLocalAws.dynamo(), SuiteLocalAws.table("CatalogTable"), SuiteLocalAws.changes());

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected LifecycleTimers timers() {
    return timers;
  }

  @Override
  protected void file(LifecycleTimer timer) {
    SuiteLocalAws.dynamo()
        .putItem(
            r ->
                r.tableName(SuiteLocalAws.table("CatalogTable"))
                    .item(DynamoLifecycleTimers.item(timer)));
  }

  @Override
  protected boolean outboxed(Event event) {
    return SuiteLocalAws.outboxed(event.id());
  }
}
