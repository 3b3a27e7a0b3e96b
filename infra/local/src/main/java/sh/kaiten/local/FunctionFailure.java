package sh.kaiten.local;

/** A function answered with an error, crashed, or did not answer in time. */
final class FunctionFailure extends RuntimeException {
  enum Kind { ERROR, CRASHED, TIMED_OUT }

  private final Kind kind;

  FunctionFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
