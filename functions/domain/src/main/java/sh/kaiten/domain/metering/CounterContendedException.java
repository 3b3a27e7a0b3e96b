package sh.kaiten.domain.metering;

/**
 * Another write to the same counter was in flight and the store refused this one as a whole; the
 * report was not counted and may be tried again at once.
 */
public final class CounterContendedException extends RuntimeException {
  public CounterContendedException(Throwable cause) {
    super("the counter was being written by another report", cause);
  }
}
