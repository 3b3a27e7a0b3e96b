package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * This process's own reports count against a HARD limit from the moment they are queued, and only
 * once.
 */
class LocalAccountingTest {
  private final FakeKaiten fake = new FakeKaiten();
  private KaitenClient client;

  LocalAccountingTest() throws IOException {}

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    fake.close();
  }

  /** A client of the fake's instance that delivers only when flushed. */
  private KaitenClient.Builder toFake() {
    return KaitenClient.builder()
        .baseUrl(fake.url())
        .token("ksh_test")
        .instance("acme-prod")
        .flushInterval(Duration.ofHours(1));
  }

  @Test
  void ownReportsHoldTheHardLimitBeforeAndAfterDeliveryWithoutCountingTwice() {
    fake.limit(10);
    client = toFake().pollInterval(Duration.ofMillis(100)).build();
    assertThat(client.check("api-calls", 1).allowed()).isTrue();

    client.report("api-calls", 10);

    Check queued = client.check("api-calls", 1);
    assertThat(queued.allowed()).isFalse();
    assertThat(queued.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(queued.currentUsage()).isEqualTo(10.0);
    assertThat(fake.requests()).isEmpty();

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(fake.usage()).isEqualByComparingTo("10");
    // A poll asked for after the delivery, and answered: the snapshot now holds the 10.
    int reads = fake.snapshotReads();
    await().atMost(Duration.ofSeconds(3)).until(() -> fake.snapshotReads() >= reads + 3);

    Check delivered = client.check("api-calls", 1);
    assertThat(delivered.allowed()).isFalse();
    assertThat(delivered.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(delivered.currentUsage()).isEqualTo(10.0);
    assertThat(client.entitlement("api-calls").orElseThrow().currentUsage()).isEqualTo(10.0);
  }

  @ParameterizedTest(name = "leasing {0}")
  @ValueSource(booleans = {false, true})
  void aSnapshotReadWhileReportsWereOnTheirWayIsReadAgainSoTheyCountOnceWhenKaitenIsGone(
      boolean leasing) {
    RecordingListener listener = new RecordingListener();
    client =
        toFake()
            .pollInterval(Duration.ofMillis(200))
            .leasing(leasing)
            .listener(listener)
            .closeTimeout(Duration.ofMillis(100))
            .build();
    fake.holdNextSnapshotUntilUsageIsCounted();
    await().atMost(Duration.ofSeconds(5)).until(fake::snapshotHeld);
    int reads = fake.snapshotReads();

    client.report("api-calls", 10);
    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    fake.refuseSnapshots();
    assertThat(fake.usage()).isEqualByComparingTo("10");
    // The held read answered usage 10, counted while the meter still called the 10 pending.
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.snapshotChanges.get() == 1);

    assertThat(client.check("api-calls", 1).currentUsage()).isEqualTo(10.0);
    assertThat(client.entitlement("api-calls").orElseThrow().currentUsage()).isEqualTo(10.0);
    assertThat(fake.snapshotReads()).as("the snapshot was read again").isGreaterThan(reads);
  }
}
