package sh.kaiten.sdk;

import java.time.Duration;

/** A failed attempt to deliver queued reports; they stay queued and are tried again. */
public final class DeliveryFailure {
  private final int attempt;
  private final long queued;
  private final int status;
  private final String cause;
  private final Duration retryIn;

  public DeliveryFailure(int attempt, long queued, int status, String cause, Duration retryIn) {
    this.attempt = attempt;
    this.queued = queued;
    this.status = status;
    this.cause = cause;
    this.retryIn = retryIn;
  }

  /** How many attempts in a row have failed (1 for the first). */
  public int attempt() {
    return attempt;
  }

  /** Reports waiting to be delivered. */
  public long queued() {
    return queued;
  }

  /** The HTTP status answered, or 0 when there was no answer (connection refused, timeout). */
  public int status() {
    return status;
  }

  public String cause() {
    return cause;
  }

  /** When the next attempt is made. */
  public Duration retryIn() {
    return retryIn;
  }

  @Override
  public String toString() {
    return "DeliveryFailure{attempt "
        + attempt
        + ", "
        + queued
        + " queued, "
        + (status == 0 ? "" : status + " ")
        + cause
        + ", retry in "
        + retryIn
        + "}";
  }
}
