package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.thresholds.CrossingMarkersContract;

/** The DynamoDB markers keep the port's contract, on DynamoDB Local with the template's Usage table. */
class DynamoCrossingMarkersContractTest extends CrossingMarkersContract {
  private final DynamoCrossingMarkers markers = new DynamoCrossingMarkers(SharedLocalAws.dynamo(),
      SharedLocalAws.table("UsageTable"), SharedLocalAws.changes());

  @Override
  protected CrossingMarkers markers() {
    return markers;
  }

  @Override
  protected boolean outboxed(Event event) {
    return SharedLocalAws.outboxed(event.id());
  }
}
