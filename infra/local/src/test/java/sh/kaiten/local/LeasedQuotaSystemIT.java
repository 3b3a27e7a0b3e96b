package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.LeaseStatistics;

/**
 * Leased quota end to end: SDK clients in this JVM (and one in a process of its own, killed)
 * against kaiten-local. A HARD limit of 10,000 on {@code leased-calls} (one counter per instance)
 * and on {@code pooled-calls} (one pool per license), tier {@code leasing}.
 */
class LeasedQuotaSystemIT {
  private static final int LIMIT = 10_000;

  @TempDir static Path shared;
  private static RunningKaitenLocal local;
  private static String admin;
  private static String customer;
  private static final AtomicInteger instances = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    local = RunningKaitenLocal.start(shared.resolve("stack"));
    admin = local.state().path("admin_token").asText();
    customer = local.state().path("demo").path("customer_id").asText();
    local.created(
        local.send(
            "POST",
            "/api/entitlements",
            admin,
            "{\"slug\":\"leased-calls\",\"name\":\"Leased calls\","
                + "\"type\":\"NUMERIC\",\"enforcement\":\"HARD\",\"aggregation\":\"SUM\",\"scope\":\"INSTANCE\",\"unit\":\"calls\"}"));
    local.created(
        local.send(
            "POST",
            "/api/entitlements",
            admin,
            "{\"slug\":\"pooled-calls\",\"name\":\"Pooled calls\","
                + "\"type\":\"NUMERIC\",\"enforcement\":\"HARD\",\"aggregation\":\"SUM\",\"scope\":\"LICENSE\",\"unit\":\"calls\"}"));
    local.created(
        local.send(
            "POST",
            "/api/tiers",
            admin,
            "{\"slug\":\"leasing\",\"name\":\"Leasing\",\"rank\":9,"
                + "\"entitlements\":{\"leased-calls\":"
                + LIMIT
                + ",\"pooled-calls\":"
                + LIMIT
                + "}}"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    local.close();
  }

  private record Holder(String instance, String token) {}

  private static String license(String overrides) throws IOException {
    return local
        .created(
            local.send(
                "POST",
                "/api/licenses",
                admin,
                "{\"customer_id\":\""
                    + customer
                    + "\",\"tier\":\"leasing\""
                    + (overrides == null ? "" : ",\"overrides\":" + overrides)
                    + "}"))
        .path("id")
        .asText();
  }

  private static Holder instance(String license) throws IOException {
    String id = "lease-" + instances.incrementAndGet();
    String token =
        local
            .created(
                local.send(
                    "POST",
                    "/api/instances",
                    admin,
                    "{\"id\":\"" + id + "\",\"license_id\":\"" + license + "\"}"))
            .path("token")
            .path("token")
            .asText();
    return new Holder(id, token);
  }

  private static KaitenClient client(Holder holder) {
    return KaitenClient.builder()
        .baseUrl(local.baseUrl())
        .token(holder.token())
        .instance(holder.instance())
        .pollInterval(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(60))
        .build();
  }

  private static long usage(Holder holder, String entitlement) throws IOException {
    return local
        .ok(
            local.send(
                "GET",
                "/api/instances/" + holder.instance() + "/entitlements/" + entitlement + "/usage",
                admin,
                null))
        .path("current_usage")
        .asLong();
  }

  /**
   * Each client uses 1 unit {@code attempts} times, all in step; answers how many uses were
   * allowed.
   */
  private static int inStep(List<KaitenClient> clients, String entitlement, int attempts)
      throws Exception {
    CyclicBarrier step = new CyclicBarrier(clients.size());
    ExecutorService threads = Executors.newFixedThreadPool(clients.size());
    try {
      List<Future<Integer>> allowed = new ArrayList<>();
      for (KaitenClient client : clients) {
        allowed.add(
            threads.submit(
                () -> {
                  int granted = 0;
                  for (int i = 0; i < attempts; i++) {
                    step.await();
                    if (client.use(entitlement, 1).allowed()) {
                      granted++;
                    }
                  }
                  return granted;
                }));
      }
      int total = 0;
      for (Future<Integer> each : allowed) {
        total += each.get(5, TimeUnit.MINUTES);
      }
      return total;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Closes every client (settling and releasing its leases); answers the uses they decided without
   * a request.
   */
  private static long closeAll(List<KaitenClient> clients, String entitlement) {
    long local = 0;
    for (KaitenClient client : clients) {
      LeaseStatistics statistics = client.leaseStatistics(entitlement).orElseThrow();
      local += statistics.decidedLocally();
      client.close();
    }
    return local;
  }

  /**
   * The reports export's rows of one instance answered since {@code from}, every page: each an
   * array of the CSV's cells.
   */
  private static List<String[]> exportedReports(Holder holder, Instant from) throws IOException {
    List<String[]> rows = new ArrayList<>();
    String next =
        "/api/usage/export?kind=reports&format=csv&from="
            + from
            + "&to="
            + Instant.now().plusSeconds(1);
    while (next != null) {
      HttpResponse<String> page = local.send("GET", next, admin, null);
      assertThat(page.statusCode()).isEqualTo(200);
      page.body()
          .lines()
          .skip(1)
          .map(line -> line.split(",", -1))
          .filter(cells -> cells[2].equals(holder.instance()))
          .forEach(rows::add);
      String link = page.headers().firstValue("Link").orElse(null);
      next =
          link == null
              ? null
              : link.substring(link.indexOf("/api/usage/export"), link.indexOf('>'));
    }
    return rows;
  }

  @Test
  void eightClientsOfOneInstanceTakeExactlyTheLimit() throws Exception {
    Instant started = Instant.now().minusSeconds(1);
    Holder holder = instance(license(null));
    List<KaitenClient> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(client(holder));
    }
    int allowed = inStep(clients, "leased-calls", 3_750); // 30,000 attempts
    long local = closeAll(clients, "leased-calls");

    assertThat(allowed).isEqualTo(LIMIT);
    assertThat(usage(holder, "leased-calls")).isEqualTo(LIMIT);
    assertThat(local)
        .as("allowed without a request on the caller's thread")
        .isGreaterThanOrEqualTo(9_500);
    // Settled in a few reports, each naming its lease and standing for many uses (columns 12 and
    // 13).
    List<String[]> settlements = exportedReports(holder, started);
    assertThat(settlements)
        .allSatisfy(
            cells -> {
              assertThat(cells[12]).startsWith("lse_");
              assertThat(cells[7]).isEqualTo("ACCEPTED");
            });
    assertThat(
            settlements.stream()
                .filter(cells -> cells[9].equals("false"))
                .mapToLong(cells -> Long.parseLong(cells[13]))
                .sum())
        .isEqualTo(LIMIT);
    assertThat(settlements.size()).isLessThan(LIMIT / 50);
  }

  @Test
  void fourInstancesOfALicensePoolTakeExactlyTheLimit() throws Exception {
    String license = license(null);
    List<Holder> holders = new ArrayList<>();
    List<KaitenClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Holder holder = instance(license);
      holders.add(holder);
      clients.add(client(holder));
      clients.add(client(holder));
    }
    int allowed = inStep(clients, "pooled-calls", 3_750); // 8 clients, 30,000 attempts
    long local = closeAll(clients, "pooled-calls");

    assertThat(allowed).isEqualTo(LIMIT);
    for (Holder holder : holders) {
      assertThat(usage(holder, "pooled-calls"))
          .as("the pool, seen from " + holder.instance())
          .isEqualTo(LIMIT);
    }
    assertThat(local)
        .as("allowed without a request on the caller's thread")
        .isGreaterThanOrEqualTo(9_500);
  }

  @Test
  void plainReportsBesideLeasingClientsNeverPassTheLimitTogether() throws Exception {
    String license = license("{\"pooled-calls\":2000}");
    Holder leasing = instance(license);
    Holder plain = instance(license);
    List<KaitenClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(client(leasing));
    }
    AtomicLong accepted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    ExecutorService plainThreads = Executors.newFixedThreadPool(4);
    List<Future<?>> reporters = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      reporters.add(
          plainThreads.submit(
              () -> {
                for (int i = 0; i < 150; i++) {
                  String status =
                      local
                          .json(
                              local.send(
                                  "POST",
                                  "/api/instances/" + plain.instance() + "/usage",
                                  plain.token(),
                                  "{\"entitlement_slug\":\"pooled-calls\",\"value\":1}"))
                          .path("status")
                          .asText();
                  (status.equals("ACCEPTED") ? accepted : rejected).incrementAndGet();
                }
                return null;
              }));
    }
    int allowed =
        inStep(clients, "pooled-calls", 1_000); // 4,000 leased attempts beside 600 plain reports
    closeAll(clients, "pooled-calls");
    for (Future<?> reporter : reporters) {
      reporter.get(5, TimeUnit.MINUTES);
    }
    plainThreads.shutdown();

    long usage = usage(plain, "pooled-calls");
    assertThat(accepted.get() + rejected.get()).isEqualTo(600);
    assertThat(usage).as("the pool").isLessThanOrEqualTo(2_000).isEqualTo(allowed + accepted.get());
    assertThat(allowed).isPositive();
    assertThat(accepted.get()).isPositive();
  }

  @Test
  void aKilledClientsUnusedUnitsReturnToTheOthersWhenItsLeaseExpires() throws Exception {
    Holder holder = instance(license("{\"leased-calls\":100}"));
    Process killed =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeasingClient.class.getName(),
                local.baseUrl(),
                holder.token(),
                holder.instance(),
                "leased-calls",
                "15")
            .redirectErrorStream(true)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = out.readLine()) != null
          && !line.startsWith("holding ")
          && !line.equals("failed")) {
        // the client's own log lines
      }
    }
    assertThat(line).isEqualTo("holding 63"); // granted 64 (64 uses of 1), one used and settled
    killed.destroyForcibly(); // SIGKILL: no settlement, no release
    assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();

    try (KaitenClient survivor =
        KaitenClient.builder()
            .baseUrl(local.baseUrl())
            .token(holder.token())
            .instance(holder.instance())
            .leaseShare(1)
            .leaseTtl(Duration.ofSeconds(3))
            .requestTimeout(Duration.ofSeconds(60))
            .build()) {
      AtomicInteger allowed = new AtomicInteger();
      while (survivor.use("leased-calls", 1).allowed()) {
        allowed.incrementAndGet();
      }
      assertThat(allowed.get()).as("what the killed client does not hold").isEqualTo(36);
      // Once its lease expires (15 s after it was granted), the killed client's 63 unused units are
      // the survivor's.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                if (survivor.use("leased-calls", 1).allowed()) {
                  allowed.incrementAndGet();
                }
                return allowed.get() == 99;
              });
      assertThat(survivor.use("leased-calls", 1).allowed()).isFalse();
      assertThat(survivor.flush(Duration.ofSeconds(60))).isTrue();
    }
    assertThat(usage(holder, "leased-calls")).isEqualTo(100);
  }
}
