package sh.kaiten.domain.webhooks;

import java.time.Duration;

/** What the queue should do with a delivery message after an attempt. */
public record AttemptOutcome(Next next, Duration retryAfter) {

  public enum Next {
    /** Delivered, or nothing (left) to do: the message is done. */
    DONE,
    /** The attempt failed: try again after {@code retryAfter}. */
    RETRY,
    /**
     * The last attempt failed: the delivery is FAILED and the message goes to the dead-letter
     * queue.
     */
    GIVE_UP
  }

  static final AttemptOutcome DONE = new AttemptOutcome(Next.DONE, Duration.ZERO);
  static final AttemptOutcome GIVE_UP = new AttemptOutcome(Next.GIVE_UP, Duration.ZERO);

  static AttemptOutcome retryAfter(Duration delay) {
    return new AttemptOutcome(Next.RETRY, delay);
  }
}
