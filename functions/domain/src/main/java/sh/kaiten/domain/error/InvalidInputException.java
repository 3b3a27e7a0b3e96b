package sh.kaiten.domain.error;

/** The request is malformed: a missing, mistyped or out-of-range field. */
public final class InvalidInputException extends KaitenException {
  public InvalidInputException(String field, String detail) {
    super(field, detail);
  }

  @Override
  public String problemType() {
    return "invalid-input";
  }
}
