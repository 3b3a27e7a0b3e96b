package sh.kaiten.domain.events;

import java.time.Duration;
import java.time.Instant;

/**
 * The record that something happened which one event announces, written once, holding that event's
 * id. Whoever writes it publishes the event; everyone after finds it and publishes nothing, so the
 * event goes out once however often the cause is delivered. A writer that died before publishing
 * is taken over once its claim is older than {@link #CLAIM}, with the same event id, so a receiver
 * never sees two ids for one cause.
 *
 * @param created true when this call wrote the marker, false when an earlier one had
 * @param published true once the event is on its way
 */
public record EventMarker(String eventId, Instant markedAt, boolean created, boolean published) {
  /** Longer than a delivery can run (a function's timeout), shorter than a queue's redelivery. */
  public static final Duration CLAIM = Duration.ofSeconds(30);

  public enum Next {
    /** This caller owns the event: publish it, then mark it published. */
    PUBLISH,
    /** The event went out before. */
    DONE,
    /** Another caller wrote the marker moments ago and may be publishing; try again later. */
    WAIT
  }

  public Next next(Instant now) {
    if (published) {
      return Next.DONE;
    }
    return created || !markedAt.plus(CLAIM).isAfter(now) ? Next.PUBLISH : Next.WAIT;
  }
}
