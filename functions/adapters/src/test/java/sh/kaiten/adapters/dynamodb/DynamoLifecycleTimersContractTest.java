package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.lifecycle.LifecycleTimersContract;

/** The DynamoDB timers keep the port's contract, on DynamoDB Local with the template's Catalog table. */
class DynamoLifecycleTimersContractTest extends LifecycleTimersContract {
  private final DynamoLifecycleTimers timers = new DynamoLifecycleTimers(SharedLocalAws.dynamo(),
      SharedLocalAws.table("CatalogTable"), SharedLocalAws.changes());

  @Override
  protected LifecycleTimers timers() {
    return timers;
  }

  @Override
  protected void file(LifecycleTimer timer) {
    SharedLocalAws.dynamo().putItem(r -> r.tableName(SharedLocalAws.table("CatalogTable"))
        .item(DynamoLifecycleTimers.item(timer)));
  }

  @Override
  protected boolean outboxed(Event event) {
    return SharedLocalAws.outboxed(event.id());
  }
}
