package sh.kaiten.domain.error;

/**
 * Part of a request the store failed under, answered on its own while the rest of the request
 * stands (one report of a usage batch). It says honestly what is known: a write that failed may or
 * may not have been applied; one never attempted was not.
 */
public final class StoreFailureException extends KaitenException {
  private final boolean attempted;

  /**
   * @param attempted whether the write was sent (its outcome is unknown) or never was (nothing
   *     applied)
   * @param cause the store's failure, for the log
   */
  public StoreFailureException(boolean attempted, String detail, Throwable cause) {
    super(null, detail);
    this.attempted = attempted;
    initCause(cause);
  }

  public boolean attempted() {
    return attempted;
  }

  @Override
  public String problemType() {
    return attempted ? "outcome-unknown" : "not-applied";
  }
}
