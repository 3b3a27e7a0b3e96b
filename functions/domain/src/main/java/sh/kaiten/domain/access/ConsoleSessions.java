package sh.kaiten.domain.access;

import java.util.Optional;

/**
 * Port: console sessions, found by the hash of their secret (the secret itself is never stored). A
 * session past its {@code expiresAt} may still be found (stores drop expired items late); the use
 * case checks the time.
 */
public interface ConsoleSessions {

  /** Stores a new session; a hash already taken is refused with a ConflictException. */
  void create(ConsoleSession session);

  Optional<ConsoleSession> find(String idHash);

  /** Removes the session at once; nothing happens when it is not there. */
  void delete(String idHash);
}
