package sh.kaiten.domain.error;

/**
 * A failure the caller can act on. Each subtype maps to exactly one HTTP status in one place (the
 * problem+json mapper); the domain itself knows nothing of HTTP.
 */
public abstract sealed class KaitenException extends RuntimeException
    permits InvalidInputException,
        UnknownReferenceException,
        NotFoundException,
        ConflictException,
        UnauthenticatedException,
        ForbiddenException,
        StoreFailureException {

  private final String field;

  protected KaitenException(String field, String detail) {
    super(detail);
    this.field = field;
  }

  /** The request field the problem is about, or null when it is about the request as a whole. */
  public String field() {
    return field;
  }

  /** Short kebab-case name of the problem, used in the problem+json {@code type}. */
  public abstract String problemType();
}
