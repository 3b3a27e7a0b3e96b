package sh.kaiten.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The session cookie, written by hand so its attributes are exactly these: only sent back to the
 * console's paths over HTTPS, never to scripts, never on a request another site starts, and gone
 * when the session ends.
 */
final class SessionCookie {
  static final String NAME = "kaiten_console";
  private static final String ATTRIBUTES =
      "; Path=" + Paths.ROOT + "; Secure; HttpOnly; SameSite=Strict";

  private SessionCookie() {}

  /** Holds the session's secret until {@code expiresAt}. */
  static String of(String secret, Instant now, Instant expiresAt) {
    long maxAge = Math.max(0, Duration.between(now, expiresAt).toSeconds());
    return NAME
        + "="
        + secret
        + "; Max-Age="
        + maxAge
        + "; Expires="
        + DateTimeFormatter.RFC_1123_DATE_TIME.format(expiresAt.atOffset(ZoneOffset.UTC))
        + ATTRIBUTES;
  }

  /** Tells the browser to drop the cookie. */
  static String cleared() {
    return NAME + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES;
  }
}
