package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.openfeature.KaitenProvider;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.DeliveryFailure;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.KaitenListener;
import sh.kaiten.sdk.Reason;
import sh.kaiten.sdk.RejectedReport;

/**
 * The Java SDK against kaiten-local, as a vendor runs it: the packaged stack in its own process,
 * the client in this one (and, for the spool, in a process of its own that is killed). Each test
 * has its own license and instance of the demo catalog (api-calls HARD, sso, theme; tiers free and
 * pro).
 */
class SdkSystemIT {
  private static final Duration POLL = Duration.ofSeconds(2);

  @TempDir static Path shared;
  private static RunningKaitenLocal local;
  private static String admin;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    local = RunningKaitenLocal.start(shared.resolve("stack"));
    admin = local.state().path("admin_token").asText();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    local.close();
  }

  /**
   * A new license of the tier for the demo customer, with one instance: its id, license id and
   * token.
   */
  private static Holder holder(RunningKaitenLocal on, String instance, String tier)
      throws IOException {
    String adminToken = on.state().path("admin_token").asText();
    String customer = on.state().path("demo").path("customer_id").asText();
    String license =
        on.created(
                on.send(
                    "POST",
                    "/api/licenses",
                    adminToken,
                    "{\"customer_id\":\"" + customer + "\",\"tier\":\"" + tier + "\"}"))
            .path("id")
            .asText();
    String token =
        on.created(
                on.send(
                    "POST",
                    "/api/instances",
                    adminToken,
                    "{\"id\":\"" + instance + "\",\"license_id\":\"" + license + "\"}"))
            .path("token")
            .path("token")
            .asText();
    return new Holder(instance, license, token);
  }

  private record Holder(String instance, String license, String token) {}

  private static KaitenClient.Builder client(RunningKaitenLocal on, Holder holder) {
    // kaiten-local serves one request per function at a time: on a loaded machine a 1000-event
    // batch
    // outlasts the default 10 s, and a client that gives up re-sends it behind its own abandoned
    // copy.
    return KaitenClient.builder()
        .baseUrl(on.baseUrl())
        .token(holder.token())
        .instance(holder.instance())
        .pollInterval(POLL)
        .requestTimeout(Duration.ofSeconds(60));
  }

  private static long usage(RunningKaitenLocal on, Holder holder) throws IOException {
    return on.ok(
            on.send(
                "GET",
                "/api/instances/" + holder.instance() + "/entitlements/api-calls/usage",
                admin(on),
                null))
        .path("current_usage")
        .asLong();
  }

  private static String admin(RunningKaitenLocal on) throws IOException {
    return on.state().path("admin_token").asText();
  }

  /** An instance id of the test's own, e.g. {@code sdk-a-hard-limit-is-refused-in-process}. */
  private static String name(TestInfo test) {
    String words =
        test.getTestMethod().orElseThrow().getName().replaceAll("([A-Z])", "-$1").toLowerCase();
    return ("sdk-" + words).substring(0, Math.min(48, words.length() + 4));
  }

  @Test
  void theSnapshotLoadsAndATierDowngradeIsSeenWithinOnePollInterval(TestInfo test)
      throws Exception {
    Holder holder = holder(local, name(test), "pro");
    ConcurrentLinkedQueue<Set<String>> changes = new ConcurrentLinkedQueue<>();
    try (KaitenClient kaiten =
        client(local, holder)
            .listener(
                new KaitenListener() {
                  @Override
                  public void snapshotChanged(Set<String> entitlements) {
                    changes.add(entitlements);
                  }
                })
            .build()) {
      assertThat(kaiten.isEnabled("sso")).isTrue();
      Check check = kaiten.check("api-calls", 1);
      assertThat(check.allowed()).isTrue();
      assertThat(check.reason()).isEqualTo(Reason.GRANTED);
      assertThat(check.limit()).isEqualTo(100_000);
      assertThat(check.currentUsage()).isZero();
      assertThat(check.stale()).isFalse();
      assertThat(kaiten.config("theme").path("color").asText()).isEqualTo("indigo");

      local.ok(
          local.send("PATCH", "/api/licenses/" + holder.license(), admin, "{\"tier\":\"free\"}"));
      long changed = System.nanoTime();
      // One poll interval, and the one snapshot request that poll makes.
      await()
          .atMost(POLL.plusSeconds(2))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> kaiten.check("api-calls", 1).limit() == 1000);
      assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(POLL.plusSeconds(2));
      assertThat(kaiten.isEnabled("sso")).isFalse();
      assertThat(kaiten.check("sso", 1).reason()).isEqualTo(Reason.DISABLED);
      assertThat(kaiten.config("theme").path("color").asText()).isEqualTo("gray");
      assertThat(changes).containsExactly(Set.of("api-calls", "sso", "theme"));
    }
  }

  @Test
  void aHardLimitIsRefusedInProcessAndTheServerRejectsWhatPassesIt(TestInfo test) throws Exception {
    Holder holder = holder(local, name(test), "pro");
    local.ok(
        local.send(
            "PATCH",
            "/api/licenses/" + holder.license(),
            admin,
            "{\"overrides\":{\"api-calls\":5}}"));
    List<RejectedReport> rejected = new ArrayList<>();
    try (KaitenClient kaiten =
        client(local, holder)
            .flushInterval(Duration.ofHours(1))
            .listener(
                new KaitenListener() {
                  @Override
                  public void reportRejected(RejectedReport report) {
                    rejected.add(report);
                  }
                })
            .build()) {
      assertThat(kaiten.check("api-calls", 5).allowed()).isTrue();
      kaiten.report("api-calls", 5);
      // Not delivered yet (an hour's flush interval): refused from this process's own reports
      // alone.
      assertThat(kaiten.queued()).isEqualTo(1);
      Check refused = kaiten.check("api-calls", 1);
      assertThat(refused.allowed()).isFalse();
      assertThat(refused.reason()).isEqualTo(Reason.LIMIT_REACHED);
      assertThat(refused.currentUsage()).isEqualTo(5);
      assertThat(refused.remaining()).isZero();

      kaiten.report("api-calls", 1); // reported anyway: the server is the last word
      assertThat(kaiten.flush(Duration.ofMinutes(2))).isTrue();
      assertThat(usage(local, holder)).isEqualTo(5);
      assertThat(rejected).hasSize(1);
      assertThat(rejected.get(0).entitlement()).isEqualTo("api-calls");
      assertThat(rejected.get(0).reason()).isEqualTo("LIMIT_REACHED");
      // Delivered, and then in the next snapshot: still 5, never counted twice.
      await()
          .atMost(POLL.plusSeconds(2))
          .until(() -> kaiten.entitlement("api-calls").orElseThrow().currentUsage() == 5);
      assertThat(kaiten.check("api-calls", 1).currentUsage()).isEqualTo(5);
      assertThat(kaiten.check("api-calls", 0).allowed()).isTrue();
    }
  }

  @Test
  void tenThousandReportsArriveExactInAtMostTenRequestsPerThousand(TestInfo test) throws Exception {
    Holder holder = holder(local, name(test), "pro");
    try (KaitenClient kaiten = client(local, holder).build()) {
      for (int i = 0; i < 10_000; i++) {
        kaiten.report("api-calls", 1);
      }
      assertThat(kaiten.flush(Duration.ofMinutes(3))).isTrue();
    }
    assertThat(usage(local, holder)).isEqualTo(10_000);
    Set<String> requests = new HashSet<>();
    int reports = 0;
    for (JsonNode record : trail(local, holder.instance(), "usage.reported")) {
      requests.add(record.path("request_id").asText());
      reports += record.path("request").path("events").size();
    }
    assertThat(reports).isEqualTo(10_000);
    assertThat(requests.size()).isBetween(10, 100);
  }

  @Test
  void checkTalliesAppearInTheAuditTrail(TestInfo test) throws Exception {
    Holder holder = holder(local, name(test), "free");
    try (KaitenClient kaiten = client(local, holder).build()) {
      for (int i = 0; i < 7; i++) {
        kaiten.isEnabled("sso"); // free: sso false
      }
      for (int i = 0; i < 3; i++) {
        kaiten.check("api-calls", 1);
      }
      kaiten.check("no-such-thing", 1);
      assertThat(kaiten.flush(Duration.ofMinutes(2))).isTrue();
    }
    Map<String, Long> counted = new TreeMap<>();
    for (JsonNode record : trail(local, holder.instance(), "entitlement.checked")) {
      for (JsonNode tally : record.path("request").path("tallies")) {
        counted.merge(
            tally.path("entitlement").asText()
                + " "
                + tally.path("allowed").asBoolean()
                + " "
                + tally.path("reason").asText(),
            tally.path("count").asLong(),
            Long::sum);
      }
    }
    assertThat(counted)
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "api-calls true GRANTED", 3L,
                    "no-such-thing false UNKNOWN_ENTITLEMENT", 1L,
                    "sso false DISABLED", 7L)));
  }

  @Test
  void aKilledClientsSpooledReportsAreDeliveredOnceByTheNextProcess(TestInfo test)
      throws Exception {
    Holder holder = holder(local, name(test), "pro");
    Path spool = dir.resolve("spool");
    Process client =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SpoolingClient.class.getName(),
                local.baseUrl(),
                holder.token(),
                holder.instance(),
                spool.toString(),
                "250")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("queued 250")) {
        // the client's own log lines
      }
      assertThat(line).isEqualTo("queued 250");
    }
    client.destroyForcibly(); // SIGKILL: no close, no flush
    assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();

    try (KaitenClient next = client(local, holder).spoolDirectory(spool).build()) {
      assertThat(next.flush(Duration.ofMinutes(3))).isTrue();
      assertThat(next.queued()).isZero();
    }
    assertThat(usage(local, holder)).isEqualTo(250);
  }

  @Test
  void theOpenFeatureProviderAnswersThroughOpenFeatureClientsAndTrackLandsAsUsage(TestInfo test)
      throws Exception {
    Holder holder = holder(local, name(test), "pro");
    OpenFeatureAPI openFeature = OpenFeatureAPI.getInstance();
    try (KaitenClient kaiten = client(local, holder).build()) {
      openFeature.setProviderAndWait(holder.instance(), new KaitenProvider(kaiten));
      Client flags = openFeature.getClient(holder.instance());
      ImmutableContext context = new ImmutableContext(holder.instance());

      FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", false, context);
      assertThat(sso.getValue()).isTrue();
      assertThat(sso.getReason()).isEqualTo("STATIC");
      assertThat(sso.getVariant()).isEqualTo("tier");
      FlagEvaluationDetails<Integer> calls = flags.getIntegerDetails("api-calls", 0, context);
      assertThat(calls.getValue()).isEqualTo(100_000);
      assertThat(calls.getFlagMetadata().getDouble("remaining")).isEqualTo(100_000);
      assertThat(
              flags
                  .getObjectValue("theme", new Value(), context)
                  .asStructure()
                  .getValue("color")
                  .asString())
          .isEqualTo("indigo");
      assertThat(flags.getBooleanDetails("no-such-flag", false, context).getErrorCode())
          .isEqualTo(ErrorCode.FLAG_NOT_FOUND);

      flags.track("api-calls", context, new MutableTrackingEventDetails(3));
      assertThat(kaiten.flush(Duration.ofMinutes(2))).isTrue();
      assertThat(usage(local, holder)).isEqualTo(3);
      assertThat(
              flags
                  .getIntegerDetails("api-calls", 0, context)
                  .getFlagMetadata()
                  .getDouble("remaining"))
          .isEqualTo(99_997);
    } finally {
      openFeature.shutdown();
    }
  }

  /** Every audit record of the instance of one type, all pages. */
  private static List<JsonNode> trail(RunningKaitenLocal on, String instance, String type)
      throws IOException {
    List<JsonNode> records = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          on.ok(
              on.send(
                  "GET",
                  "/api/instances/"
                      + instance
                      + "/audit?type="
                      + type
                      + "&limit=200"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  admin(on),
                  null));
      page.path("items").forEach(records::add);
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText(null);
    } while (cursor != null);
    return records;
  }

  /**
   * With kaiten-local stopped, the client keeps answering from its snapshot (stale) and keeps its
   * reports; started again on the same data, it gets every one of them, once.
   */
  @Test
  void withKaitenLocalDownTheClientAnswersStaleQueuesAndDeliversOnceAfterARestart(TestInfo test)
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path data = dir.resolve("stack");
    RunningKaitenLocal first = RunningKaitenLocal.start(data, "--port", String.valueOf(port));
    Holder holder;
    AtomicInteger stale = new AtomicInteger();
    AtomicInteger fresh = new AtomicInteger();
    List<DeliveryFailure> failures = new ArrayList<>();
    KaitenClient kaiten;
    try {
      holder = holder(first, name(test), "pro");
      kaiten =
          client(first, holder)
              .pollInterval(Duration.ofMillis(500))
              .staleAfter(Duration.ofSeconds(2))
              .listener(
                  new KaitenListener() {
                    @Override
                    public void stale(Duration age) {
                      stale.incrementAndGet();
                    }

                    @Override
                    public void fresh() {
                      fresh.incrementAndGet();
                    }

                    @Override
                    public void deliveryFailing(DeliveryFailure failure) {
                      synchronized (failures) {
                        failures.add(failure);
                      }
                    }
                  })
              .build();
      for (int i = 0; i < 50; i++) {
        kaiten.report("api-calls", 2);
      }
      assertThat(kaiten.flush(Duration.ofMinutes(2))).isTrue();
    } finally {
      first.close();
    }
    try (kaiten) {
      await().atMost(Duration.ofSeconds(60)).until(() -> stale.get() == 1);
      Check check = kaiten.check("api-calls", 1);
      assertThat(check.allowed()).isTrue();
      assertThat(check.stale()).isTrue();
      assertThat(check.currentUsage()).isEqualTo(100);
      for (int i = 0; i < 200; i++) {
        kaiten.report("api-calls", 1);
      }
      assertThat(kaiten.flush(Duration.ofSeconds(2))).isFalse();
      assertThat(kaiten.queued()).isEqualTo(200);
      assertThat(kaiten.check("api-calls", 1).currentUsage()).isEqualTo(300);
      synchronized (failures) {
        assertThat(failures).isNotEmpty().allMatch(failure -> failure.status() == 0);
      }

      try (RunningKaitenLocal again =
          RunningKaitenLocal.start(data, "--port", String.valueOf(port))) {
        assertThat(kaiten.flush(Duration.ofSeconds(90))).isTrue();
        assertThat(usage(again, holder)).isEqualTo(300);
        // A snapshot read while the queued reports were on their way was read again by the flush.
        assertThat(kaiten.check("api-calls", 1).currentUsage()).isEqualTo(300);
        await().atMost(Duration.ofSeconds(60)).until(() -> fresh.get() == 1);
        assertThat(kaiten.check("api-calls", 1).stale()).isFalse();
      }
    }
  }
}
