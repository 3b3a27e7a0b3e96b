package sh.kaiten.domain.error;

/**
 * A valid token used outside its scope: an instance token on admin endpoints or on another
 * instance.
 */
public final class ForbiddenException extends KaitenException {
  public ForbiddenException(String detail) {
    super(null, detail);
  }

  @Override
  public String problemType() {
    return "forbidden";
  }
}
