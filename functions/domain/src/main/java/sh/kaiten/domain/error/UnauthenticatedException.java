package sh.kaiten.domain.error;

/** No credentials, or credentials that match no token. */
public final class UnauthenticatedException extends KaitenException {
  public UnauthenticatedException(String detail) {
    super(null, detail);
  }

  @Override
  public String problemType() {
    return "unauthenticated";
  }
}
