package sh.kaiten.domain.thresholds;

/**
 * Another delivery of the same signal marked this crossing moments ago and may still be publishing
 * it; this delivery is retried later rather than publish it a second time.
 */
public final class CrossingInProgressException extends RuntimeException {
  public CrossingInProgressException(String eventId) {
    super("the crossing of event " + eventId + " is being published by another delivery");
  }
}
