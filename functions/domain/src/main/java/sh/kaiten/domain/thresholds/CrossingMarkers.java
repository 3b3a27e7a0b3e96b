package sh.kaiten.domain.thresholds;

import java.time.Instant;
import sh.kaiten.domain.events.EventMarker;
import sh.kaiten.domain.metering.CounterKey;

/**
 * Port: one marker per (counter, period, alert), written once, so each alert fires once. An alert is
 * a threshold percent ({@code "80"}) or {@code "exceeded"} or {@code "rejected"}, or {@code "closed"}
 * for the period's close ({@link sh.kaiten.domain.closing.PeriodClosing}).
 */
public interface CrossingMarkers {

  /**
   * Writes the marker with {@code eventId} unless one exists, and answers the marker as it now
   * stands: the new one, or the one an earlier delivery wrote, with that delivery's event id.
   */
  EventMarker mark(CounterKey counter, String alert, String eventId, Instant now);

  /** Notes that the marker's event was published, so no later delivery publishes it again. */
  void published(CounterKey counter, String alert);
}
