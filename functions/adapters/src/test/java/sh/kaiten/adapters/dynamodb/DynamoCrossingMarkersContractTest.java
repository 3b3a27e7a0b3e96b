package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.thresholds.CrossingMarkersContract;

/**
 * The DynamoDB markers keep the port's contract, on DynamoDB Local with the template's Usage table.
 */
class DynamoCrossingMarkersContractTest extends CrossingMarkersContract {
  private final DynamoCrossingMarkers markers =
      new DynamoCrossingMarkers(
          SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"), SuiteLocalAws.changes());

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected CrossingMarkers markers() {
    return markers;
  }

  @Override
  protected boolean outboxed(Event event) {
    return SuiteLocalAws.outboxed(event.id());
  }
}
