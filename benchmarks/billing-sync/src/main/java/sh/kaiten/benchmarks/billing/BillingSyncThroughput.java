package sh.kaiten.benchmarks.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import sh.kaiten.benchmarks.support.KaitenLocalProcess;
import sh.kaiten.local.aws.StripeStandIn;

/**
 * Reports per second through billing-sync, and the lag from a report to Stripe's call, on
 * kaiten-local as a user runs it: the usage function counts each report and writes it into the
 * outbox, the outbox's stream (outbox-publisher) puts it on the billing queue, billing-sync sends
 * it with stripe-java to a Stripe stand-in (Stripe's meter events endpoint, on 127.0.0.1).
 *
 * <p>Batches of {@code --batch} events are reported back to back, batch k by the instance of
 * customer k mod {@code --customers}, its events spread in turn over the {@code --meters}
 * entitlements (each mapped to its own Stripe meter); every event of batch k has the value k + 2
 * (warm-up batches 1), so a meter event names its batch. One customer and one meter (the defaults)
 * is the slowest case: Stripe takes one call at a time per customer and meter, so every call waits
 * for the one before it; more pairs let billing-sync's calls overlap. A report's lag is from its
 * batch's answer (counted, in the outbox) to the stand-in's acceptance of its meter event. At the
 * end Stripe's total of every customer and meter must equal Kaiten's and no identifier may be
 * accepted twice, or the command exits 1.
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl benchmarks/billing-sync,infra/local -am
 * java -jar benchmarks/billing-sync/target/billing-sync-throughput.jar --reports 10000 --batch 100
 * # options: --customers 1, --meters 1, --warmup-batches 5, --patience-seconds 900, --root PATH
 * </pre>
 */
public final class BillingSyncThroughput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMER = "cus_BenchBilling";
  private static final String METER = "bench_calls";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String admin;

  /** The entitlements reported, each mapped to the Stripe meter of the same index. */
  private final List<String> entitlements = new ArrayList<>();

  /** One per customer: its instance's id and token, and its Stripe id. */
  private final List<Reporter> reporters = new ArrayList<>();

  private record Reporter(String instance, String token, String stripeCustomer) {}

  private BillingSyncThroughput(String api, String admin) {
    this.api = api;
    this.admin = admin;
  }

  public static void main(String[] args) throws Exception {
    int reports = intOption(args, "--reports", 10_000);
    int batch = intOption(args, "--batch", 100);
    int warmup = intOption(args, "--warmup-batches", 5);
    int customers = intOption(args, "--customers", 1);
    int meters = intOption(args, "--meters", 1);
    Duration patience = Duration.ofSeconds(intOption(args, "--patience-seconds", 900));
    Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
    if (reports % batch != 0 || batch < 1 || batch > 1000) {
      throw new IllegalArgumentException("--reports must be a multiple of --batch (1..1000)");
    }
    if (customers < 1 || meters < 1 || meters > 100 || meters > batch) {
      throw new IllegalArgumentException(
          "--customers is 1 or more, --meters 1 to 100 (a connector's limit) and at most --batch");
    }
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String key = "rk_test_" + HexFormat.of().formatHex(random);
    System.out.printf("load average at start: %s%n", loadAverage());
    int exit;
    try (StripeStandIn stripe = StripeStandIn.start(Clock.systemUTC(), key);
        // --demo, as a user starts it: the stack is seeded, so the outbox's stream has records
        // before its first read (see BENCHMARKS.md on --in-memory alone).
        KaitenLocalProcess kaiten =
            KaitenLocalProcess.start(
                root,
                "kaiten-billing-sync",
                List.of("--demo", "--stripe-api-base", stripe.url()))) {
      String api = kaiten.baseUrl();
      JsonNode state = JSON.readTree(kaiten.stateFile().toFile());
      BillingSyncThroughput bench =
          new BillingSyncThroughput(api, state.path("admin_token").asText());
      bench.setUp(key, customers, meters);
      exit = bench.run(stripe, reports / batch, batch, warmup, patience);
      System.out.printf("load average at end: %s%n", loadAverage());
    }
    // after kaiten-local is stopped: System.exit inside the try would leave it running
    System.exit(exit);
  }

  private int run(StripeStandIn stripe, int batches, int size, int warmup, Duration patience)
      throws Exception {
    // Warm-up: every JVM of the path started and compiled; its events (value 1) are not measured.
    for (int i = 0; i < warmup; i++) {
      report(i, size, 1);
    }
    await(stripe, warmup * size, 1, patience);

    Instant[] answered = new Instant[batches];
    Instant started = Instant.now();
    for (int k = 0; k < batches; k++) {
      report(k, size, k + 2);
      answered[k] = Instant.now();
    }
    Instant reported = Instant.now();
    List<StripeStandIn.Accepted> measured = await(stripe, batches * size, 2, patience);

    List<Long> lags = new ArrayList<>();
    Instant firstAccepted = Instant.MAX;
    Instant lastAccepted = Instant.MIN;
    for (StripeStandIn.Accepted event : measured) {
      int k = (int) event.value() - 2;
      lags.add(Duration.between(answered[k], event.acceptedAt()).toMillis());
      firstAccepted =
          event.acceptedAt().isBefore(firstAccepted) ? event.acceptedAt() : firstAccepted;
      lastAccepted = event.acceptedAt().isAfter(lastAccepted) ? event.acceptedAt() : lastAccepted;
    }
    Collections.sort(lags);
    int total = batches * size;
    double endToEnd = total / seconds(started, lastAccepted);
    double drain = (total - 1) / seconds(firstAccepted, lastAccepted);
    double sending = total / seconds(started, reported);
    List<String> inexact = inexact(stripe, batches, size, warmup);
    boolean exact = inexact.isEmpty() && stripe.acceptedMoreThanOnce().isEmpty();
    System.out.printf(
        "%n%d customers x %d meters (Stripe customer x meter pairs: %d)%n",
        reporters.size(), entitlements.size(), reporters.size() * entitlements.size());
    System.out.printf(
        "%n| reports | batches of | reported in | reports/s reported | first report to last Stripe"
            + " call | reports/s end to end | reports/s through billing-sync (first to last call)"
            + " | lag p50 | lag p90 | lag p99 | lag max | Stripe 429s | exact |%n");
    System.out.printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|%n");
    System.out.printf(
        "| %d | %d | %.1f s | %.0f | %.1f s | %.0f | %.0f | %d ms | %d ms | %d ms | %d ms | %d | %s |%n",
        total,
        size,
        seconds(started, reported),
        sending,
        seconds(started, lastAccepted),
        endToEnd,
        drain,
        percentile(lags, 50),
        percentile(lags, 90),
        percentile(lags, 99),
        lags.get(lags.size() - 1),
        stripe.concurrentRefusals(),
        exact ? "yes" : "NO: " + String.join("; ", inexact) + " " + stripe.acceptedMoreThanOnce());
    return exact ? 0 : 1;
  }

  /**
   * Each customer and meter whose Stripe total is not what was reported to it (warm-up included),
   * as "customer meter: Stripe s, Kaiten k"; empty when all are exact.
   */
  private List<String> inexact(StripeStandIn stripe, int batches, int size, int warmup) {
    long[][] expected = new long[reporters.size()][entitlements.size()];
    for (int k = 0; k < warmup; k++) {
      add(expected, k, size, 1);
    }
    for (int k = 0; k < batches; k++) {
      add(expected, k, size, k + 2);
    }
    List<String> inexact = new ArrayList<>();
    for (int c = 0; c < reporters.size(); c++) {
      for (int m = 0; m < entitlements.size(); m++) {
        long total = stripe.total(reporters.get(c).stripeCustomer(), meter(m));
        if (total != expected[c][m]) {
          inexact.add(
              reporters.get(c).stripeCustomer()
                  + " "
                  + meter(m)
                  + ": Stripe "
                  + total
                  + ", Kaiten "
                  + expected[c][m]);
        }
      }
    }
    return inexact;
  }

  /** What batch k of {@code size} events of {@code value} adds to each customer and meter. */
  private void add(long[][] expected, int k, int size, int value) {
    int customer = k % reporters.size();
    for (int i = 0; i < size; i++) {
      expected[customer][i % entitlements.size()] += value;
    }
  }

  private static String meter(int index) {
    return index == 0 ? METER : METER + "_" + index;
  }

  /**
   * The catalog ({@code meters} entitlements in one tier), {@code customers} customers each with
   * its Stripe id, a license and an instance, and the connector mapping each entitlement to its
   * meter.
   */
  private void setUp(String key, int customers, int meters)
      throws IOException, InterruptedException {
    String suffix = Long.toString(System.nanoTime(), 36);
    ObjectNode tierValues = JSON.createObjectNode();
    ObjectNode meterMappings = JSON.createObjectNode();
    for (int m = 0; m < meters; m++) {
      String entitlement = "bench-calls-" + suffix + (m == 0 ? "" : "-" + m);
      send(
          "POST",
          "/api/entitlements",
          admin,
          "{\"slug\":\""
              + entitlement
              + "\",\"name\":\"Bench\",\"type\":\"NUMERIC\","
              + "\"enforcement\":\"SOFT\"}");
      tierValues.putNull(entitlement);
      meterMappings.putObject(entitlement).put("event_name", meter(m));
      entitlements.add(entitlement);
    }
    String tier = "bench-" + suffix;
    ObjectNode tierBody = JSON.createObjectNode().put("slug", tier).put("name", "Bench");
    tierBody.put("rank", 50).set("entitlements", tierValues);
    send("POST", "/api/tiers", admin, tierBody.toString());
    send(
        "PUT",
        "/api/connectors/stripe",
        admin,
        JSON.createObjectNode().put("api_key", key).set("meters", meterMappings).toString());
    for (int c = 0; c < customers; c++) {
      String stripeCustomer = c == 0 ? CUSTOMER : CUSTOMER + "_" + c;
      String customer =
          send(
                  "POST",
                  "/api/customers",
                  admin,
                  "{\"name\":\"Bench "
                      + c
                      + "\",\"metadata\":{\"stripe_customer_id\":\""
                      + stripeCustomer
                      + "\"}}")
              .path("id")
              .asText();
      String license =
          send(
                  "POST",
                  "/api/licenses",
                  admin,
                  "{\"customer_id\":\"" + customer + "\",\"tier\":\"" + tier + "\"}")
              .path("id")
              .asText();
      String instance = "bench-" + suffix + "-" + c;
      String token =
          send(
                  "POST",
                  "/api/instances",
                  admin,
                  "{\"id\":\"" + instance + "\",\"license_id\":\"" + license + "\"}")
              .path("token")
              .path("token")
              .asText();
      reporters.add(new Reporter(instance, token, stripeCustomer));
    }
  }

  /**
   * Batch k: {@code size} reports of {@code value} by customer k's instance (k mod customers),
   * spread in turn over the entitlements, every one answered ACCEPTED.
   */
  private void report(int k, int size, int value) throws IOException, InterruptedException {
    Reporter reporter = reporters.get(k % reporters.size());
    ObjectNode body = JSON.createObjectNode();
    ArrayNode events = body.putArray("events");
    for (int i = 0; i < size; i++) {
      events
          .addObject()
          .put("entitlement_slug", entitlements.get(i % entitlements.size()))
          .put("value", value);
    }
    JsonNode answer =
        send(
            "POST",
            "/api/instances/" + reporter.instance() + "/usage/batch",
            reporter.token(),
            body.toString());
    for (JsonNode result : answer.path("results")) {
      if (!"ACCEPTED".equals(result.path("result").path("status").asText())) {
        throw new IllegalStateException("a report was not accepted: " + result);
      }
    }
  }

  /** Waits until Stripe accepted {@code count} events of at least {@code minValue}: those. */
  private static List<StripeStandIn.Accepted> await(
      StripeStandIn stripe, int count, long minValue, Duration patience)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    while (true) {
      List<StripeStandIn.Accepted> accepted =
          stripe.accepted().stream().filter(event -> event.value() >= minValue).toList();
      if (accepted.size() >= count) {
        return accepted;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "Stripe accepted " + accepted.size() + " of " + count + " events in " + patience);
      }
      Thread.sleep(100);
    }
  }

  private JsonNode send(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  /** Nearest rank. */
  private static long percentile(List<Long> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private static int intOption(String[] args, String name, int fallback) {
    return Integer.parseInt(option(args, name, Integer.toString(fallback)));
  }
}
