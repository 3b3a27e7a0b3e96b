package sh.kaiten.local;

/**
 * A function answered with an error, crashed, or did not answer in time; or the event was dropped
 * unrun because its client had gone (ABANDONED).
 */
final class FunctionFailure extends RuntimeException {
  enum Kind {
    ERROR,
    CRASHED,
    TIMED_OUT,
    ABANDONED
  }

  private final Kind kind;

  FunctionFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
