package sh.kaiten.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.memory.InMemoryConsoleSessions;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.ChangeRecords;

class ConsoleSignInTest {
  private static final Instant AT = Instant.parse("2026-12-05T08:00:00Z");
  private static final Duration LIFETIME = Duration.ofHours(8);

  private final InMemoryTokens tokens = new InMemoryTokens();
  private final InMemoryConsoleSessions sessions = new InMemoryConsoleSessions();
  private final SettableClock clock = new SettableClock(AT);
  private final ConsoleSignIn signIn = new ConsoleSignIn(tokens, sessions, clock, LIFETIME);

  private String token(String id, TokenScope scope) {
    String secret = Secrets.newToken();
    tokens.put(
        Secrets.hash(secret),
        new ApiToken(
            id,
            "tnt_1",
            scope,
            scope == TokenScope.INSTANCE ? "acme-prod" : null,
            scope == TokenScope.INSTANCE ? "lic_1" : null,
            AT),
        ChangeRecords.NONE);
    return secret;
  }

  @Test
  void anAdminTokenOpensASessionStoredOnlyByItsHash() {
    ConsoleSignIn.SignedIn signedIn = signIn.signIn(token("tok_admin", TokenScope.ADMIN));

    assertThat(signedIn.secret()).startsWith("kcs_").hasSize(ConsoleSignIn.SESSION_SECRET_LENGTH);
    assertThat(sessions.byHash).containsOnlyKeys(Secrets.hash(signedIn.secret()));
    assertThat(sessions.byHash.toString()).doesNotContain(signedIn.secret());
    ConsoleSession stored = sessions.byHash.get(Secrets.hash(signedIn.secret()));
    assertThat(stored.tenantId()).isEqualTo("tnt_1");
    assertThat(stored.expiresAt()).isEqualTo(AT.plus(LIFETIME));
    assertThat(stored.csrfToken()).hasSize(43);

    ConsoleSignIn.Signed signed = signIn.session(signedIn.secret()).orElseThrow();
    assertThat(signed.caller().id()).isEqualTo("tok_admin");
    assertThat(signed.csrfMatches(stored.csrfToken())).isTrue();
    assertThat(signed.csrfMatches(stored.csrfToken() + "x")).isFalse();
    assertThat(signed.csrfMatches(null)).isFalse();
  }

  @Test
  void instanceAndUnknownTokensOpenNoSession() {
    assertThatThrownBy(() -> signIn.signIn(token("tok_inst", TokenScope.INSTANCE)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> signIn.signIn(Secrets.newToken()))
        .isInstanceOf(UnauthenticatedException.class);
    assertThatThrownBy(() -> signIn.signIn("not-a-token"))
        .isInstanceOf(UnauthenticatedException.class);
    assertThatThrownBy(() -> signIn.signIn(null)).isInstanceOf(UnauthenticatedException.class);
    assertThat(sessions.byHash).isEmpty();
  }

  @Test
  void aSessionEndsAtItsExpiryOnSignOutAndWhenItsTokenIsRevoked() {
    String admin = token("tok_admin", TokenScope.ADMIN);
    String expiring = signIn.signIn(admin).secret();
    String signingOut = signIn.signIn(admin).secret();

    clock.set(AT.plus(LIFETIME).minusMillis(1));
    assertThat(signIn.session(expiring)).isPresent();
    clock.set(AT.plus(LIFETIME));
    assertThat(signIn.session(expiring)).isEmpty();

    clock.set(AT);
    signIn.signOut(signingOut);
    assertThat(signIn.session(signingOut)).isEmpty();
    assertThat(sessions.byHash).doesNotContainKey(Secrets.hash(signingOut));

    String revoked = signIn.signIn(admin).secret();
    tokens.delete("tnt_1", "tok_admin", ChangeRecords.NONE);
    assertThat(signIn.session(revoked)).isEmpty();
  }

  @Test
  void malformedSecretsFindNothingAndAreNotLookedUp() {
    assertThat(signIn.session(null)).isEmpty();
    assertThat(signIn.session("kcs_short")).isEmpty();
    assertThat(signIn.session("kcs_" + "a".repeat(5000))).isEmpty();
    signIn.signOut("whatever");
    assertThat(sessions.byHash).isEmpty();
  }
}
