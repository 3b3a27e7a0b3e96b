package sh.kaiten.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.exceptions.ProviderNotReadyError;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.sdk.KaitenClient;

/** The provider's state and events as the client's snapshot changes, goes stale, or is missing. */
class ProviderEventsTest {
  private static final Duration POLL = Duration.ofMillis(100);

  /** Ten polls: a slow one on a busy machine does not make the snapshot stale. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(1);

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();

  /** Every provider event the API told, in order. */
  private final List<ProviderEvent> heard = new CopyOnWriteArrayList<>();

  private final List<EventDetails> changes = new CopyOnWriteArrayList<>();
  private final List<EventDetails> errors = new CopyOnWriteArrayList<>();
  private FakeKaiten kaiten;
  private KaitenClient client;
  private Client flags;

  @BeforeEach
  void listen() {
    api.onProviderReady(details -> heard.add(ProviderEvent.PROVIDER_READY));
    api.onProviderStale(details -> heard.add(ProviderEvent.PROVIDER_STALE));
    api.onProviderError(
        details -> {
          errors.add(details);
          heard.add(ProviderEvent.PROVIDER_ERROR);
        });
    api.onProviderConfigurationChanged(
        details -> {
          changes.add(details);
          heard.add(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
        });
    flags = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
    if (client != null) {
      client.close();
    }
    kaiten.close();
  }

  @Test
  void changedSnapshotIsConfigurationChangedNamingTheChangedEntitlements() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    client = FixtureClients.of(kaiten).pollInterval(POLL).staleAfter(Duration.ofMinutes(1)).build();
    api.setProviderAndWait(new KaitenProvider(client));
    await().atMost(WAIT).until(() -> heard.equals(List.of(ProviderEvent.PROVIDER_READY)));

    kaiten.answer("snapshot-changed.json");

    await()
        .atMost(WAIT)
        .until(
            () ->
                heard.equals(
                    List.of(
                        ProviderEvent.PROVIDER_READY,
                        ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)));
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).getFlagsChanged()).containsExactly("api-calls", "sso");
    assertThat(changes.get(0).getProviderName()).isEqualTo("kaiten");
    FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", true);
    assertThat(sso.getValue()).isFalse();
    assertThat(sso.getReason()).isEqualTo("DISABLED");
    assertThat(sso.getFlagMetadata().getString("kaiten_reason")).isEqualTo("DISABLED");
    FlagEvaluationDetails<Integer> apiCalls = flags.getIntegerDetails("api-calls", 7);
    assertThat(apiCalls.getValue()).isEqualTo(250_000);
    assertThat(apiCalls.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(apiCalls.getVariant()).isEqualTo("override");
  }

  @Test
  void unchangedSnapshotIsRevalidatedWithoutEvents() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    client = FixtureClients.of(kaiten).pollInterval(POLL).staleAfter(Duration.ofMinutes(1)).build();
    api.setProviderAndWait(new KaitenProvider(client));

    await().atMost(WAIT).until(() -> kaiten.snapshotRequests() >= 5);

    assertThat(heard).containsExactly(ProviderEvent.PROVIDER_READY);
  }

  @Test
  void providerIsStaleWhileKaitenDoesNotAnswerAndReadyWhenItDoesAgain() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    client = FixtureClients.of(kaiten).pollInterval(POLL).staleAfter(STALE_AFTER).build();
    api.setProviderAndWait(new KaitenProvider(client));
    await().atMost(WAIT).until(() -> heard.equals(List.of(ProviderEvent.PROVIDER_READY)));

    kaiten.goDown();

    await()
        .atMost(WAIT)
        .until(
            () ->
                heard.equals(List.of(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE)));
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.STALE);
    FlagEvaluationDetails<Boolean> stale = flags.getBooleanDetails("sso", false);
    assertThat(stale.getValue()).isTrue();
    assertThat(stale.getReason()).isEqualTo("STALE");
    assertThat(stale.getVariant()).isEqualTo("tier");
    assertThat(stale.getFlagMetadata().getBoolean("stale")).isTrue();

    kaiten.comeBack();

    await()
        .atMost(WAIT)
        .until(
            () ->
                heard.equals(
                    List.of(
                        ProviderEvent.PROVIDER_READY,
                        ProviderEvent.PROVIDER_STALE,
                        ProviderEvent.PROVIDER_READY)));
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.READY);
    FlagEvaluationDetails<Boolean> fresh = flags.getBooleanDetails("sso", false);
    assertThat(fresh.getReason()).isEqualTo("STATIC");
    assertThat(fresh.getFlagMetadata().getBoolean("stale")).isFalse();
  }

  @Test
  void withoutASnapshotTheProviderIsInErrorUntilKaitenAnswers() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    kaiten.goDown();
    client = FixtureClients.of(kaiten).pollInterval(POLL).build();

    assertThatThrownBy(() -> api.setProviderAndWait(new KaitenProvider(client)))
        .isInstanceOf(ProviderNotReadyError.class)
        .hasMessage(
            "no snapshot of Kaiten instance 'acme-prod' (server unreachable, no snapshot file): "
                + "evaluations answer their defaults until the server answers");
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.ERROR);
    await().atMost(WAIT).until(() -> heard.equals(List.of(ProviderEvent.PROVIDER_ERROR)));
    assertThat(errors.get(0).getMessage())
        .isEqualTo(
            "no snapshot of Kaiten instance 'acme-prod' (server unreachable, "
                + "no snapshot file): evaluations answer their defaults until the server answers");
    FlagEvaluationDetails<Boolean> blind = flags.getBooleanDetails("sso", false);
    assertThat(blind.getValue()).isFalse();
    assertThat(blind.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
    assertThat(blind.getReason()).isEqualTo("ERROR");

    kaiten.comeBack();

    await()
        .atMost(WAIT)
        .until(
            () ->
                heard.equals(List.of(ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY)));
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.READY);
    FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", false);
    assertThat(sso.getValue()).isTrue();
    assertThat(sso.getReason()).isEqualTo("STATIC");
  }

  @Test
  void snapshotFromTheFileAnswersStaleUntilKaitenConfirmsIt(@TempDir Path directory)
      throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    Path snapshotFile = directory.resolve("kaiten-snapshot.json");
    try (KaitenClient earlierRun = FixtureClients.of(kaiten).snapshotFile(snapshotFile).build()) {
      assertThat(earlierRun.hasSnapshot()).isTrue();
    }
    kaiten.goDown();
    client =
        FixtureClients.of(kaiten)
            .snapshotFile(snapshotFile)
            .pollInterval(POLL)
            .staleAfter(STALE_AFTER)
            .build();

    api.setProviderAndWait(new KaitenProvider(client));

    // The API's READY for the provider set and the provider's STALE leave together: handlers run in
    // either order.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(heard)
                    .containsExactlyInAnyOrder(
                        ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE));
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.STALE);
    FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", false);
    assertThat(sso.getValue()).isTrue();
    assertThat(sso.getReason()).isEqualTo("STALE");
    assertThat(sso.getVariant()).isEqualTo("tier");

    kaiten.comeBack();

    await().atMost(WAIT).until(() -> heard.size() == 3);
    assertThat(heard.get(2)).isEqualTo(ProviderEvent.PROVIDER_READY);
    assertThat(flags.getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(flags.getBooleanDetails("sso", false).getReason()).isEqualTo("STATIC");
  }

  @Test
  void providerLeavesTheCallersClientOpenOnShutdown() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    client = FixtureClients.of(kaiten).build();
    KaitenProvider provider = new KaitenProvider(client);
    api.setProviderAndWait(provider);

    provider.shutdown();

    client.report("api-calls", 1);
    assertThat(client.isEnabled("sso")).isTrue();
  }

  @Test
  void owningProviderClosesItsClientOnShutdown() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    KaitenClient owned = FixtureClients.of(kaiten).build();
    api.setProviderAndWait(KaitenProvider.owning(owned));

    api.shutdown();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> owned.report("api-calls", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the Kaiten client is closed"));
  }
}
