package sh.kaiten.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.sdk.KaitenClient;

/**
 * OpenFeature's track() as Kaiten usage: queued by the client, counted in this process at once,
 * sent in a batch.
 */
class UsageTrackingTest {
  private static final EvaluationContext ACME = new ImmutableContext(FakeKaiten.INSTANCE);

  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
  private FakeKaiten kaiten;
  private KaitenClient client;
  private Client flags;

  @BeforeEach
  void start() throws IOException {
    kaiten = FakeKaiten.serving("snapshot.json");
    client = FixtureClients.of(kaiten).pollInterval(Duration.ofHours(1)).build();
    api.setProviderAndWait(new KaitenProvider(client));
    flags = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
    client.close();
    kaiten.close();
  }

  @Test
  void trackedValueIsDeliveredAsUsageOfTheEntitlement() {
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(5));

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(kaiten.batches()).hasSize(1);
    JsonNode events = kaiten.batches().get(0).path("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("entitlement_slug").asText()).isEqualTo("api-calls");
    assertThat(events.get(0).path("value").decimalValue()).isEqualByComparingTo("5");
  }

  @Test
  void trackedValueCountsInTheNextEvaluationAtOnce() {
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(5));

    assertThat(currentUsageOfApiCalls()).isEqualTo(67_438.0);
  }

  @Test
  void trackWithoutAValueReportsOne() {
    flags.track("api-calls", ACME);
    flags.track("api-calls");

    assertThat(currentUsageOfApiCalls()).isEqualTo(67_435.0);
  }

  @Test
  void trackWithAFractionReportsItExactly() {
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(2.5));

    assertThat(currentUsageOfApiCalls()).isEqualTo(67_435.5);
  }

  @Test
  void trackOfANegativeOrNonFiniteValueOrAnotherInstanceReportsNothingAndDoesNotThrow() {
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(-2));
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(Double.NaN));
    flags.track("api-calls", ACME, new MutableTrackingEventDetails(Double.POSITIVE_INFINITY));
    flags.track(
        "api-calls", new ImmutableContext("globex-prod"), new MutableTrackingEventDetails(5));

    assertThat(currentUsageOfApiCalls()).isEqualTo(67_433.0);
    assertThat(client.queued()).isEqualTo(0);
  }

  private double currentUsageOfApiCalls() {
    return flags
        .getIntegerDetails("api-calls", 0, ACME)
        .getFlagMetadata()
        .getDouble("current_usage");
  }
}
