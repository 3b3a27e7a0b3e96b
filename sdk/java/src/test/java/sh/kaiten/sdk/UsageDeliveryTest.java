package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reports delivered through the batch endpoint of a fake Kaiten: batching, flush, retries, answers.
 */
class UsageDeliveryTest {
  private static final Duration NEVER = Duration.ofHours(1);

  private final FakeKaiten fake = new FakeKaiten();
  private final RecordingListener heard = new RecordingListener();
  private final List<KaitenClient> clients = new ArrayList<>();

  UsageDeliveryTest() throws IOException {}

  @AfterEach
  void stop() {
    clients.forEach(KaitenClient::close);
    fake.close();
  }

  private KaitenClient client(Duration flushInterval) {
    KaitenClient client =
        KaitenClient.builder()
            .baseUrl(fake.url())
            .token("ksh_test")
            .instance("acme-prod")
            .flushInterval(flushInterval)
            .listener(heard)
            .build();
    clients.add(client);
    return client;
  }

  @Test
  void aThousandReportsLeaveInTenBatchesOfTheTrigger() {
    KaitenClient client = client(NEVER);

    for (int batch = 0; batch < 10; batch++) {
      for (int i = 1; i <= 100; i++) {
        client.report("api-calls", (long) batch * 100 + i);
      }
      int sent = batch + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> fake.requests().size() == sent);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> client.queued() == 0);

    assertThat(fake.requests())
        .hasSize(10)
        .allSatisfy(request -> assertThat(request.events()).hasSize(100));
    List<JsonNode> events = fake.deliveredEvents();
    assertThat(events.stream().map(event -> event.path("idempotency_key").asText()).distinct())
        .hasSize(1000);
    assertThat(events.stream().map(event -> event.path("value").asLong()))
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, 1000).boxed().collect(Collectors.toList()));
    assertThat(fake.usage()).isEqualByComparingTo("500500");
  }

  @Test
  void aLoneReportIsDeliveredWithinTheFlushIntervalUnasked() {
    KaitenClient client = client(Duration.ofMillis(300));

    long reported = System.nanoTime();
    client.report("api-calls", 7);
    await().atMost(Duration.ofSeconds(2)).until(() -> fake.requests().size() == 1);

    FakeKaiten.Request request = fake.requests().get(0);
    assertThat(TimeUnit.NANOSECONDS.toMillis(request.arrivedNanos - reported))
        .isLessThan(300 + 200);
    assertThat(request.events()).hasSize(1);
    assertThat(request.events().get(0).path("value").asText()).isEqualTo("7");
    assertThat(request.checks()).isNull();
  }

  @Test
  void flushDeliversAtOnceAndSaysSo() {
    KaitenClient client = client(NEVER);
    client.report("api-calls", 1);
    client.report("api-calls", new BigDecimal("2.50"));
    client.report("api-calls", 0.125);

    long asked = System.nanoTime();
    boolean delivered = client.flush(Duration.ofSeconds(5));

    assertThat(delivered).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).isLessThan(1000);
    assertThat(client.queued()).isZero();
    assertThat(fake.requests()).hasSize(1);
    // Written digit for digit, as JSON numbers.
    assertThat(fake.requests().get(0).body.path("events").toString())
        .contains("\"value\":1,")
        .contains("\"value\":2.50,")
        .contains("\"value\":0.125,");
    assertThat(fake.usage()).isEqualByComparingTo("3.625");
  }

  @Test
  void valuesAreHeldToTheServersNumericContractBeforeTheyAreQueued() {
    KaitenClient client = client(NEVER);
    client.report("api-calls", 1.0 / 3);
    client.report("api-calls", 2.0000005);
    client.report("api-calls", 100.0);
    client.report("api-calls", new BigDecimal("0.000001"));

    assertThatThrownBy(() -> client.report("api-calls", new BigDecimal("0.0000001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 decimal places");
    assertThatThrownBy(() -> client.report("api-calls", 1e16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 10^15");
    assertThatThrownBy(() -> client.report("api-calls", 1_000_000_000_000_001L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 10^15");
    assertThatThrownBy(() -> client.report("api-calls", new BigDecimal("-1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(client.queued()).isEqualTo(4);

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(fake.requests().get(0).body.path("events").toString())
        .contains("\"value\":0.333333,")
        .contains("\"value\":2,")
        .contains("\"value\":100,")
        .contains("\"value\":0.000001,");
    assertThat(fake.usage()).isEqualByComparingTo("102.333334");
  }

  @Test
  void flushWithTheServerDownReturnsFalseAfterItsTimeout() {
    KaitenClient client = client(NEVER);
    fake.close();
    client.report("api-calls", 1);

    long asked = System.nanoTime();
    boolean delivered = client.flush(Duration.ofMillis(300));

    assertThat(delivered).isFalse();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).isBetween(300L, 1500L);
    assertThat(client.queued()).isEqualTo(1);
    assertThat(heard.failures)
        .isNotEmpty()
        .allSatisfy(failure -> assertThat(failure.status()).isZero());
  }

  @Test
  void threeFailuresThenSuccessCountEachReportOnceUnderTheSameKeys() {
    KaitenClient client = client(NEVER);
    fake.failNext(3, 503, null);
    for (int i = 1; i <= 5; i++) {
      client.report("api-calls", i);
    }

    assertThat(client.flush(Duration.ofSeconds(15))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).extracting(request -> request.status).containsExactly(503, 503, 503, 200);
    List<String> keys = requests.get(0).keys();
    assertThat(keys).hasSize(5).doesNotHaveDuplicates();
    assertThat(requests).allSatisfy(request -> assertThat(request.keys()).isEqualTo(keys));
    assertThat(fake.usage()).isEqualByComparingTo("15");
    assertThat(heard.failures).extracting(DeliveryFailure::attempt).containsExactly(1, 2, 3);
    assertThat(heard.failures)
        .allSatisfy(
            failure -> {
              assertThat(failure.status()).isEqualTo(503);
              assertThat(failure.queued()).isEqualTo(5);
            });
    assertThat(heard.recoveries).hasValue(1);
    assertThat(client.queued()).isZero();
  }

  @Test
  void anAnswerLostAfterCountingIsRetriedAndCountedOnce() {
    KaitenClient client = client(NEVER);
    fake.countThenHangUpNext();
    client.report("api-calls", 4);
    client.report("api-calls", 5);

    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).keys()).isEqualTo(requests.get(0).keys());
    assertThat(fake.usage()).isEqualByComparingTo("9");
    assertThat(heard.failures)
        .singleElement()
        .satisfies(failure -> assertThat(failure.status()).isZero());
  }

  @Test
  void aConnectionDroppedWithoutAnswerIsTriedAgainWithTheSameKeys() {
    KaitenClient client = client(NEVER);
    fake.hangUpNext(1);
    client.report("api-calls", 6);

    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).keys()).isEqualTo(requests.get(0).keys());
    assertThat(fake.usage()).isEqualByComparingTo("6");
    assertThat(heard.failures)
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.status()).isZero();
              assertThat(failure.attempt()).isEqualTo(1);
            });
    assertThat(heard.recoveries).hasValue(1);
  }

  @Test
  void retryAfterHoldsTheNextAttemptBackAsLongAsAsked() {
    KaitenClient client = client(NEVER);
    fake.failNext(1, 429, "2");
    client.report("api-calls", 1);

    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).extracting(request -> request.status).containsExactly(429, 200);
    assertThat(
            TimeUnit.NANOSECONDS.toMillis(
                requests.get(1).arrivedNanos - requests.get(0).arrivedNanos))
        .isGreaterThanOrEqualTo(2000);
    assertThat(heard.failures)
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.status()).isEqualTo(429);
              assertThat(failure.retryIn()).isEqualTo(Duration.ofSeconds(2));
            });
  }

  @Test
  void reportsPastTheHardLimitReachReportRejected() {
    fake.limit(5);
    KaitenClient client = client(NEVER);
    for (int i = 0; i < 7; i++) {
      client.report("api-calls", 1);
    }

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    List<String> keys = fake.requests().get(0).keys();
    assertThat(heard.rejected)
        .hasSize(2)
        .allSatisfy(
            rejected -> {
              assertThat(rejected.entitlement()).isEqualTo("api-calls");
              assertThat(rejected.value()).isEqualByComparingTo("1");
              assertThat(rejected.reason()).isEqualTo("LIMIT_REACHED");
              assertThat(rejected.currentUsage()).isEqualByComparingTo("5");
              assertThat(rejected.limit()).isEqualByComparingTo("5");
            });
    assertThat(heard.rejected)
        .extracting(RejectedReport::idempotencyKey)
        .containsExactly(keys.get(5), keys.get(6));
    assertThat(fake.usage()).isEqualByComparingTo("5");
    assertThat(client.queued()).isZero();
  }

  @Test
  void aReportRefusedAsBadInputReachesReportRefusedAndIsNeverSentAgain() {
    KaitenClient client = client(NEVER);
    client.report("no-such-thing", 3);
    client.report("api-calls", 1);
    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    client.report("api-calls", 2);
    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(heard.refused)
        .singleElement()
        .satisfies(
            refused -> {
              assertThat(refused.entitlement()).isEqualTo("no-such-thing");
              assertThat(refused.value()).isEqualByComparingTo("3");
              assertThat(refused.status()).isEqualTo(422);
              assertThat(refused.detail())
                  .isEqualTo("events[0]: entitlement 'no-such-thing' does not exist");
              assertThat(refused.idempotencyKey()).isEqualTo(fake.requests().get(0).keys().get(0));
            });
    // The server refuses the batch whole, naming events[0]: the other report goes again with its
    // key.
    assertThat(fake.requests())
        .extracting(request -> request.status)
        .containsExactly(422, 200, 200);
    assertThat(fake.requests().get(1).events())
        .extracting(event -> event.path("entitlement_slug").asText())
        .containsExactly("api-calls");
    assertThat(fake.requests().get(1).keys()).containsExactly(fake.requests().get(0).keys().get(1));
    assertThat(fake.usage()).isEqualByComparingTo("3");
    assertThat(client.queued()).isZero();
  }

  @Test
  void aBatchRefusedForOneReportRefusesThatOneAndSendsTheOthersAgain() {
    KaitenClient client = client(NEVER);
    fake.answerNextWith(
        400,
        "{\"type\":\"about:blank\",\"title\":\"Invalid input\",\"status\":400,"
            + "\"detail\":\"events[1].timestamp is older than the late window\",\"field\":\"events[1].timestamp\"}");
    client.report("api-calls", 1);
    client.report("api-calls", 2);
    client.report("api-calls", 4);

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.requests()).hasSize(2);
    assertThat(fake.requests().get(1).keys())
        .containsExactly(
            fake.requests().get(0).keys().get(0), fake.requests().get(0).keys().get(2));
    assertThat(heard.refused)
        .singleElement()
        .satisfies(
            refused -> {
              assertThat(refused.value()).isEqualByComparingTo("2");
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.detail())
                  .isEqualTo("events[1].timestamp is older than the late window");
            });
    assertThat(fake.usage()).isEqualByComparingTo("5");
    assertThat(client.queued()).isZero();
  }

  @Test
  void aWholeRequestCalledBadRefusesItsReportsOnce() {
    KaitenClient client = client(NEVER);
    fake.answerNextWith(
        400,
        "{\"type\":\"about:blank\",\"title\":\"Invalid input\",\"status\":400,"
            + "\"detail\":\"events must hold 1 to 1000 reports\",\"field\":\"events\"}");
    client.report("api-calls", 1);
    client.report("api-calls", 2);

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.requests()).hasSize(1);
    assertThat(heard.refused)
        .extracting(RefusedReport::value)
        .map(BigDecimal::intValue)
        .containsExactly(1, 2);
    assertThat(heard.refused)
        .allSatisfy(
            refused -> {
              assertThat(refused.status()).isEqualTo(400);
              assertThat(refused.detail()).isEqualTo("events must hold 1 to 1000 reports");
            });
    assertThat(client.queued()).isZero();
  }

  @Test
  void talliesTheServerRefusesAreDroppedAndTheReportsGoAlone() {
    fake.refuseChecks();
    KaitenClient client = client(NEVER);
    client.check("api-calls", 1);
    client.report("api-calls", 1);

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).extracting(request -> request.status).containsExactly(422, 200);
    assertThat(requests.get(0).checks()).isNotNull();
    assertThat(requests.get(1).checks()).isNull();
    assertThat(requests.get(1).keys()).isEqualTo(requests.get(0).keys());
    assertThat(fake.usage()).isEqualByComparingTo("1");
    assertThat(heard.refused).isEmpty();
  }

  @Test
  void aRefusedClientKeepsItsReportsAndWaitsTheLongestBackoff() {
    KaitenClient client = client(NEVER);
    fake.answerNextWith(
        403,
        "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
            + "\"detail\":\"the token may not report usage\"}");
    client.report("api-calls", 1);

    assertThat(client.flush(Duration.ofMillis(500))).isFalse();

    assertThat(heard.failures)
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.status()).isEqualTo(403);
              assertThat(failure.cause()).isEqualTo("HTTP 403: the token may not report usage");
              assertThat(failure.retryIn()).isEqualTo(Duration.ofSeconds(60));
              assertThat(failure.queued()).isEqualTo(1);
            });
    assertThat(client.queued()).isEqualTo(1);
    assertThat(fake.requests()).hasSize(1);
  }

  @Test
  void aBacklogLeavesInRequestsOfAtMostAThousand() {
    KaitenClient client = client(NEVER);
    fake.failNext(1, 503, "1");
    for (int i = 0; i < 2500; i++) {
      client.report("api-calls", 1);
    }

    assertThat(client.flush(Duration.ofSeconds(15))).isTrue();

    List<FakeKaiten.Request> delivered = new ArrayList<>(fake.requests());
    assertThat(delivered.remove(0).status).isEqualTo(503);
    assertThat(delivered)
        .allSatisfy(request -> assertThat(request.events().size()).isLessThanOrEqualTo(1000));
    assertThat(delivered).extracting(request -> request.events().size()).contains(1000);
    assertThat(fake.deliveredEvents()).hasSize(2500);
    assertThat(fake.usage()).isEqualByComparingTo("2500");
  }

  @Test
  void reportsFromManyThreadsAreEachDeliveredOnce() throws Exception {
    KaitenClient client = client(Duration.ofMillis(100));
    int threads = 8;
    int each = 2000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < each; i++) {
                  client.report("api-calls", 1);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(client.flush(Duration.ofSeconds(15))).isTrue();

    Set<String> keys = new HashSet<>();
    fake.deliveredEvents().forEach(event -> keys.add(event.path("idempotency_key").asText()));
    assertThat(fake.deliveredEvents()).hasSize(threads * each);
    assertThat(keys).hasSize(threads * each);
    assertThat(keys).allMatch(key -> key.matches("[A-Za-z0-9._:-]{1,128}"));
    assertThat(fake.usage()).isEqualByComparingTo(String.valueOf(threads * each));
    assertThat(client.queued()).isZero();
  }

  @Test
  void oneDaemonThreadNamedForTheInstanceSendsAndCloseDeliversThenStopsIt() {
    KaitenClient client = client(NEVER);
    client.report("api-calls", 2);
    assertThat(senders())
        .singleElement()
        .satisfies(thread -> assertThat(thread.isDaemon()).isTrue());

    client.close();
    client.close();

    assertThat(fake.usage()).isEqualByComparingTo("2");
    assertThat(senders()).isEmpty();
    assertThatThrownBy(() -> client.report("api-calls", 1))
        .isInstanceOf(IllegalStateException.class);
  }

  private static List<Thread> senders() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("kaiten-usage-acme-prod") && thread.isAlive())
        .collect(Collectors.toList());
  }

  @Test
  void aReportCarriesTheTimestampOfItsMaking() {
    SettableClock clock = new SettableClock(Instant.parse("2026-12-04T01:02:03.456Z"));
    KaitenClient client =
        KaitenClient.builder()
            .baseUrl(fake.url())
            .token("ksh_test")
            .instance("acme-prod")
            .flushInterval(NEVER)
            .clock(clock)
            .build();
    clients.add(client);
    client.report("api-calls", 1);
    clock.advance(Duration.ofMinutes(5));

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.deliveredEvents())
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.path("timestamp").asText()).isEqualTo("2026-12-04T01:02:03.456Z"));
  }
}
