package sh.kaiten.domain.error;

/** The request clashes with what is stored, e.g. creating a slug that is already taken. */
public final class ConflictException extends KaitenException {
  public ConflictException(String field, String detail) {
    super(field, detail);
  }

  @Override
  public String problemType() {
    return "conflict";
  }
}
