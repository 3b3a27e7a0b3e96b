package sh.kaiten.domain.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.UnauthenticatedException;

/**
 * Use case: signing in to the console with an admin token, and the session that follows. A session
 * lasts {@code lifetime} from sign-in and ends at once on sign-out, or when the token that opened
 * it is revoked (the token is looked up on every request, as the API does).
 */
public final class ConsoleSignIn {
  public static final String SESSION_PREFIX = "kcs_";

  /** {@code kcs_} and 43 base64url characters; anything longer is refused unhashed. */
  public static final int SESSION_SECRET_LENGTH = SESSION_PREFIX.length() + 43;

  /** Longer than any token Kaiten gives out. */
  private static final int MAX_TOKEN_LENGTH = 128;

  private final TokenStore tokens;
  private final ConsoleSessions sessions;
  private final Clock clock;
  private final Duration lifetime;

  public ConsoleSignIn(
      TokenStore tokens, ConsoleSessions sessions, Clock clock, Duration lifetime) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** A new session and its secret, which only the cookie holds. */
  public record SignedIn(String secret, ConsoleSession session) {}

  /** The session of a request, with the admin token it acts as. */
  public record Signed(ApiToken caller, ConsoleSession session) {

    /**
     * Whether {@code given} is this session's CSRF token; compared in time independent of where
     * they differ.
     */
    public boolean csrfMatches(String given) {
      return given != null
          && MessageDigest.isEqual(
              given.getBytes(StandardCharsets.UTF_8),
              session.csrfToken().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Opens a session for an admin token.
   *
   * @throws UnauthenticatedException when the token is not a valid Kaiten token
   * @throws ForbiddenException when it is an instance token
   */
  public SignedIn signIn(String adminToken) {
    if (adminToken == null
        || adminToken.length() > MAX_TOKEN_LENGTH
        || !adminToken.startsWith(Secrets.TOKEN_PREFIX)) {
      throw new UnauthenticatedException("that is not a Kaiten token");
    }
    String tokenHash = Secrets.hash(adminToken);
    ApiToken token =
        tokens
            .findByHash(tokenHash)
            .orElseThrow(() -> new UnauthenticatedException("that token is not valid"));
    token.requireAdmin();
    String secret = Secrets.newSecret(SESSION_PREFIX);
    Instant now = clock.instant();
    ConsoleSession session =
        new ConsoleSession(
            Secrets.hash(secret),
            token.tenantId(),
            tokenHash,
            Secrets.newSecret(""),
            now,
            now.plus(lifetime));
    sessions.create(session);
    return new SignedIn(secret, session);
  }

  /**
   * The live session a cookie's secret stands for: empty when unknown, ended, expired, or its token
   * revoked.
   */
  public Optional<Signed> session(String secret) {
    if (!wellFormed(secret)) {
      return Optional.empty();
    }
    Optional<ConsoleSession> session =
        sessions.find(Secrets.hash(secret)).filter(found -> !found.expiredAt(clock.instant()));
    if (session.isEmpty()) {
      return Optional.empty();
    }
    return tokens
        .findByHash(session.get().tokenHash())
        .filter(
            token ->
                token.scope() == TokenScope.ADMIN
                    && token.tenantId().equals(session.get().tenantId()))
        .map(token -> new Signed(token, session.get()));
  }

  /** Ends the session at once: its cookie opens nothing any more. */
  public void signOut(String secret) {
    if (wellFormed(secret)) {
      sessions.delete(Secrets.hash(secret));
    }
  }

  private static boolean wellFormed(String secret) {
    return secret != null
        && secret.length() == SESSION_SECRET_LENGTH
        && secret.startsWith(SESSION_PREFIX);
  }
}
