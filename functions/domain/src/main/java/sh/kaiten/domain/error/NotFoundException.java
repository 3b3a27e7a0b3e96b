package sh.kaiten.domain.error;

/** The addressed resource does not exist for the caller's tenant. */
public final class NotFoundException extends KaitenException {
  public NotFoundException(String kind, String id) {
    super(null, kind + " '" + id + "' does not exist");
  }

  @Override
  public String problemType() {
    return "not-found";
  }
}
