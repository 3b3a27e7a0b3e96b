package sh.kaiten.domain.error;

/** The addressed resource does not exist for the caller's tenant. */
public final class NotFoundException extends KaitenException {
  private final String kind;

  /**
   * @param kind what was not found: {@code instance}, {@code entitlement}, ...
   */
  public NotFoundException(String kind, String id) {
    this(kind, id, null);
  }

  /**
   * @param field the request field (a path parameter) that named it
   */
  public NotFoundException(String kind, String id, String field) {
    super(field, kind + " '" + id + "' does not exist");
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }

  @Override
  public String problemType() {
    return "not-found";
  }
}
