package sh.kaiten.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.ConflictException;

/**
 * What every {@link ConsoleSessions} does, run against the in-memory port and the DynamoDB adapter
 * alike: a session is found by its hash exactly as stored (an expired one too: the use case checks
 * the time), stored once, and gone at once when deleted.
 */
public abstract class ConsoleSessionsContract {
  private static final Instant AT = Instant.parse("2026-12-05T08:00:00Z");

  /** The port under test; each test uses hashes of its own, so a shared store is fine. */
  protected abstract ConsoleSessions sessions();

  private final String prefix = "hash_" + System.nanoTime() + "_";

  private ConsoleSession session(String name, Instant expiresAt) {
    return new ConsoleSession(
        prefix + name, "tnt_" + name, "token_hash_" + name, "csrf_" + name, AT, expiresAt);
  }

  @Test
  void aSessionIsFoundByItsHashAsStored() {
    ConsoleSession session = session("a", AT.plusSeconds(3600));
    sessions().create(session);

    assertThat(sessions().find(prefix + "a")).contains(session);
    assertThat(sessions().find(prefix + "other")).isEmpty();
  }

  @Test
  void anExpiredSessionIsStillFoundForTheUseCaseToRefuse() {
    ConsoleSession expired = session("old", AT.minusSeconds(1));
    sessions().create(expired);

    assertThat(sessions().find(prefix + "old")).contains(expired);
  }

  @Test
  void aHashIsStoredOnce() {
    sessions().create(session("once", AT.plusSeconds(60)));
    ConsoleSession again =
        new ConsoleSession(
            prefix + "once",
            "tnt_other",
            "token_hash_other",
            "csrf_other",
            AT,
            AT.plusSeconds(120));

    assertThatThrownBy(() -> sessions().create(again)).isInstanceOf(ConflictException.class);
    assertThat(sessions().find(prefix + "once").orElseThrow().tenantId()).isEqualTo("tnt_once");
  }

  @Test
  void aDeletedSessionIsGoneAtOnceAndDeletingTwiceIsHarmless() {
    sessions().create(session("gone", AT.plusSeconds(60)));
    sessions().create(session("kept", AT.plusSeconds(60)));

    sessions().delete(prefix + "gone");
    sessions().delete(prefix + "gone");

    assertThat(sessions().find(prefix + "gone")).isEmpty();
    assertThat(sessions().find(prefix + "kept")).isPresent();
  }
}
