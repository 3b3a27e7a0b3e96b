package sh.kaiten.domain.billing;

/** Stripe's meter events endpoint: one call, one answer, no retries of its own. */
public interface MeterEventGateway {
  /** How Stripe answered one call. */
  sealed interface Answer {
    /** Stripe accepted the event. */
    record Accepted() implements Answer {}

    /** Stripe has an event with this identifier already (inside its dedup window). */
    record Duplicate() implements Answer {}

    /** 429: too many calls, or another call for this customer and meter in flight. Not accepted. */
    record RateLimited() implements Answer {}

    /** 5xx, a timeout or no connection: Stripe may or may not have accepted it. */
    record Unavailable(String detail) implements Answer {}

    /** The key is missing, wrong or lacks the permission: nothing to retry until it is fixed. */
    record Unauthorized(String detail) implements Answer {}

    /** Stripe refused the event as invalid (a 4xx naming what): sending it again cannot help. */
    record Invalid(String param, String detail) implements Answer {}
  }

  Answer send(MeterEvent event);
}
