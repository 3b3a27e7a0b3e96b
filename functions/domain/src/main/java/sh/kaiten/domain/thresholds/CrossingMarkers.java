package sh.kaiten.domain.thresholds;

import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.metering.CounterKey;

/**
 * Port: one marker per (counter, period, alert), written once, so each alert fires once. An alert
 * is a threshold percent ({@code "80"}) or {@code "exceeded"} or {@code "rejected"}, or {@code
 * "closed"} for the period's close ({@link sh.kaiten.domain.closing.PeriodClosing}).
 */
public interface CrossingMarkers {

  /**
   * Fires the alert unless it fired before: writes its marker and puts {@code event} into the
   * outbox (whose stream publishes it with this id) in one transaction, so the alert is marked
   * exactly when its event is on its way.
   *
   * @return true when this call fired it; false when it had fired before (then nothing is written)
   */
  boolean fire(CounterKey counter, String alert, Event event);
}
