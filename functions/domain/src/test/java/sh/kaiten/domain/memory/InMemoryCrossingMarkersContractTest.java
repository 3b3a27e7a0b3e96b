package sh.kaiten.domain.memory;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.thresholds.CrossingMarkersContract;

/**
 * The in-memory markers keep the port's contract, so the threshold evaluator's tests mean what they
 * say.
 */
class InMemoryCrossingMarkersContractTest extends CrossingMarkersContract {
  private final InMemoryCrossingMarkers markers = new InMemoryCrossingMarkers();

  @Override
  protected CrossingMarkers markers() {
    return markers;
  }

  @Override
  protected boolean outboxed(Event event) {
    return markers.outbox.events.contains(event);
  }
}
