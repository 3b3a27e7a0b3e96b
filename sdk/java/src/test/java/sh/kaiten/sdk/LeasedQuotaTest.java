package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KaitenClient#use} on a HARD limit, decided from leases of {@link FakeKaiten}: exact across
 * clients, nearly every decision made without a request, spending settled in few requests, leases
 * released on close, and a killed client's units back once its lease expires.
 */
class LeasedQuotaTest {
  private FakeKaiten kaiten;

  @BeforeEach
  void start() throws Exception {
    kaiten = new FakeKaiten();
  }

  @AfterEach
  void stop() {
    kaiten.close();
  }

  private KaitenClient.Builder client() {
    return KaitenClient.builder()
        .baseUrl(kaiten.url())
        .token("ksh_test")
        .instance(FakeKaiten.INSTANCE)
        .pollInterval(Duration.ofHours(1));
  }

  @Test
  void eightClientsTakeExactlyTheLimitAndDecideAlmostEveryUseWithoutARequest() throws Exception {
    kaiten.limit(10_000);
    int clients = 8;
    int attempts = 3_750; // each: 30,000 in all, three times the limit
    List<KaitenClient> started = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      started.add(client().build());
    }
    // In step, one use each at a time: every client keeps trying while the others hold units.
    CyclicBarrier step = new CyclicBarrier(clients);
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    List<Future<Integer>> allowed = new ArrayList<>();
    for (KaitenClient client : started) {
      allowed.add(
          threads.submit(
              () -> {
                int granted = 0;
                for (int i = 0; i < attempts; i++) {
                  step.await();
                  if (client.use("api-calls", 1).allowed()) {
                    granted++;
                  }
                }
                return granted;
              }));
    }
    int total = 0;
    for (Future<Integer> each : allowed) {
      total += each.get();
    }
    threads.shutdown();
    long local = 0;
    for (KaitenClient client : started) {
      local += client.leaseStatistics("api-calls").orElseThrow().decidedLocally();
      client.close();
    }

    assertThat(total).isEqualTo(10_000);
    assertThat(kaiten.usage()).isEqualByComparingTo("10000");
    assertThat(local)
        .as("allowed without a request on the caller's thread")
        .isGreaterThanOrEqualTo(9_500);
    assertThat(kaiten.leased()).isEqualByComparingTo("0");
    assertThat(kaiten.liveLeases()).isZero();
  }

  @Test
  void spendingIsSettledInOneRequestPerGrantAndFlushWaitsForIt() {
    kaiten.limit(1_000_000);
    try (KaitenClient client = client().leaseShare(1).build()) {
      for (int i = 0; i < 5_000; i++) {
        assertThat(client.use("api-calls", 1).allowed()).isTrue();
      }
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(kaiten.usage()).isEqualByComparingTo("5000");
      assertThat(kaiten.grantBodies().get(0))
          .as("64 uses, written plainly (not 6.4E+1)")
          .isEqualTo("{\"entitlement_slug\":\"api-calls\",\"units\":64,\"ttl_seconds\":60}");
      LeaseStatistics statistics = client.leaseStatistics("api-calls").orElseThrow();
      assertThat(statistics.decidedLocally() + statistics.decidedAfterRequest()).isEqualTo(5_000);
      assertThat(statistics.settlements()).isEqualTo(kaiten.settlementRequests());
      assertThat(kaiten.settlementRequests() + kaiten.grantRequests())
          .as("requests for 5,000 uses")
          .isLessThan(50);
      assertThat(client.entitlement("api-calls").orElseThrow().currentUsage()).isEqualTo(5_000);
    }
    assertThat(kaiten.leased()).isEqualByComparingTo("0");
    assertThat(kaiten.usage()).isEqualByComparingTo("5000");
  }

  @Test
  void theLargestLimitStillLeasesInLargeSlices() {
    kaiten.limit(1_000_000_000_000_000L); // 10^15: 10^21 micro-units, past a long
    try (KaitenClient client = client().build()) {
      for (int i = 0; i < 1_000; i++) {
        assertThat(client.use("api-calls", 1).allowed()).isTrue();
      }
      // The first grant is 64 uses; the next are sized by the rate (one use each, had the remainder
      // overflowed).
      assertThat(client.leaseStatistics("api-calls").orElseThrow().decidedAfterRequest())
          .isLessThanOrEqualTo(2);
      assertThat(kaiten.grantBodies().get(0)).contains("\"units\":64,");
    }
  }

  @Test
  void aPlainReportSpendsFromTheLeaseHeldAndCheckAnswersFromIt() {
    kaiten.limit(100);
    try (KaitenClient client = client().leaseShare(1).build()) {
      assertThat(client.use("api-calls", 10).allowed())
          .isTrue(); // a grant of 64 uses of 10: all 100
      assertThat(kaiten.leased()).isEqualByComparingTo("100");
      client.report("api-calls", 85L);
      assertThat(client.check("api-calls", 5).allowed()).isTrue();
      assertThat(client.check("api-calls", 6).allowed()).isFalse();
      assertThat(client.use("api-calls", 6).reason()).isEqualTo(Reason.LIMIT_REACHED);
      assertThat(client.use("api-calls", 5).allowed()).isTrue();
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(kaiten.usage()).isEqualByComparingTo("100");
      assertThat(kaiten.requests())
          .as("no plain batch carried usage")
          .allSatisfy(request -> assertThat(request.events()).isEmpty());
    }
  }

  @Test
  void aKilledClientsUnusedUnitsComeBackWhenItsLeaseExpires() {
    kaiten.limit(100);
    SettableClock clock = new SettableClock(Instant.parse("2026-12-04T10:00:00Z"));
    kaiten.serverClock(clock);
    KaitenClient killed =
        client().clock(clock).leaseShare(1).leaseTtl(Duration.ofSeconds(30)).build();
    assertThat(killed.use("api-calls", 1).allowed()).isTrue(); // granted 64
    assertThat(killed.flush(Duration.ofSeconds(10))).isTrue();
    killed.halt(); // SIGKILL: no settlement, no release
    assertThat(kaiten.leased()).isEqualByComparingTo("63");

    try (KaitenClient survivor =
        client().clock(clock).leaseShare(1).leaseTtl(Duration.ofSeconds(30)).build()) {
      int allowed = 0;
      while (survivor.use("api-calls", 1).allowed()) {
        allowed++;
      }
      assertThat(allowed).as("what the killed client does not hold").isEqualTo(36);
      assertThat(survivor.flush(Duration.ofSeconds(10))).isTrue();

      clock.advance(Duration.ofSeconds(31)); // the killed client's lease has expired
      assertThat(kaiten.leased()).isEqualByComparingTo("0");
      await().atMost(Duration.ofSeconds(10)).until(() -> survivor.use("api-calls", 1).allowed());
      allowed = 1;
      while (survivor.use("api-calls", 1).allowed()) {
        allowed++;
      }
      assertThat(allowed).as("the killed client's unused units").isEqualTo(63);
      assertThat(survivor.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(kaiten.usage()).isEqualByComparingTo("100");
  }

  @Test
  void withTheServerUnreachableUsesAreDecidedFromTheSnapshotAndReportedPlainly() {
    kaiten.limit(1_000);
    try (KaitenClient client = client().leaseShare(1).build()) {
      kaiten.hangUpNext(1_000); // batches hang up; so do the leases below
      kaiten.close();
      Check check = client.use("api-calls", 3);
      assertThat(check.allowed()).isTrue();
      assertThat(check.reason()).isEqualTo(Reason.GRANTED);
      assertThat(client.queued()).isEqualTo(1);
      assertThat(client.leaseStatistics("api-calls").orElseThrow().grants()).isZero();
      assertThat(client.entitlement("api-calls").orElseThrow().currentUsage()).isEqualTo(3);
    }
  }

  @Test
  void leasingOffDecidesFromTheSnapshotAsCheckDoes() {
    kaiten.limit(2);
    try (KaitenClient client = client().leasing(false).build()) {
      assertThat(client.use("api-calls", 1).allowed()).isTrue();
      assertThat(client.use("api-calls", 1).allowed()).isTrue();
      assertThat(client.use("api-calls", 1).reason()).isEqualTo(Reason.LIMIT_REACHED);
      assertThat(client.leaseStatistics("api-calls")).isEmpty();
      assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(kaiten.grantRequests()).isZero();
    assertThat(kaiten.usage()).isEqualByComparingTo(BigDecimal.valueOf(2));
  }
}
