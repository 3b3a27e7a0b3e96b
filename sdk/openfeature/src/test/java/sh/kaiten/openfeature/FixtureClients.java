package sh.kaiten.openfeature;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import sh.kaiten.sdk.KaitenClient;

/** Clients of a {@link FakeKaiten}, on a clock that runs from the fixtures' {@code as_of}. */
final class FixtureClients {
  /**
   * Ticking (staleness needs time to pass) but anchored, so the fixtures' December 2026 period has
   * not ended whenever the tests run.
   */
  static final Clock AT_FIXTURE_TIME =
      Clock.offset(
          Clock.systemUTC(),
          Duration.between(Instant.now(), Instant.parse("2026-12-04T00:00:00Z")));

  private FixtureClients() {}

  static KaitenClient.Builder of(FakeKaiten kaiten) {
    return KaitenClient.builder()
        .baseUrl(kaiten.baseUrl())
        .token(FakeKaiten.TOKEN)
        .instance(FakeKaiten.INSTANCE)
        .clock(AT_FIXTURE_TIME);
  }
}
