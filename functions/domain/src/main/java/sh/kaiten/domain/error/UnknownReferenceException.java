package sh.kaiten.domain.error;

/**
 * A well-formed request names something (an entitlement, a tier, a license) that does not exist.
 */
public final class UnknownReferenceException extends KaitenException {
  public UnknownReferenceException(String field, String detail) {
    super(field, detail);
  }

  @Override
  public String problemType() {
    return "unknown-reference";
  }
}
