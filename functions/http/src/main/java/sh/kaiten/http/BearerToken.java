package sh.kaiten.http;

/** Reads the bearer credential of an {@code Authorization} header. */
public final class BearerToken {
  private static final String PREFIX = "Bearer ";

  private BearerToken() {}

  /**
   * The credential after {@code Bearer }, or null when the header is missing or of another scheme.
   */
  public static String of(String authorization) {
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    return authorization.substring(PREFIX.length()).trim();
  }
}
