package sh.kaiten.sdk;

/**
 * Kaiten refused the client itself (a wrong token, an unknown instance): a configuration error, not
 * an outage.
 */
public final class KaitenException extends RuntimeException {
  private final int status;

  KaitenException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status Kaiten answered, e.g. 401, 403 or 404. */
  public int status() {
    return status;
  }
}
