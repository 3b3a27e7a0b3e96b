package sh.kaiten.http;

/** Names the API contract uses (see package-info): its security scheme and the problem document. */
public final class ApiDefinition {
  public static final String BEARER = "bearer";
  public static final String PROBLEM = "Problem";

  private ApiDefinition() {}
}
