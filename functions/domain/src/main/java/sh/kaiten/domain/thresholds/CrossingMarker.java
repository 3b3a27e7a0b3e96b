package sh.kaiten.domain.thresholds;

import java.time.Instant;

/**
 * The record that a threshold of a counter's period was crossed, holding the id of the event that
 * announces it.
 *
 * @param created true when this call wrote the marker, false when an earlier delivery had
 * @param published true once the event is on its way
 */
public record CrossingMarker(String eventId, Instant markedAt, boolean created, boolean published) {}
