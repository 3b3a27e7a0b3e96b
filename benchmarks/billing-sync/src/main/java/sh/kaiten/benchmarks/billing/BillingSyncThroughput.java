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
 * <p>One instance reports batches of {@code --batch} events back to back; every event of batch k
 * has the value k + 2 (warm-up batches 1), so a meter event names its batch. A report's lag is from
 * its batch's answer (counted, in the outbox) to the stand-in's acceptance of its meter event. At
 * the end Stripe's total must equal Kaiten's and no identifier may be accepted twice, or the
 * command exits 1.
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl benchmarks/billing-sync,infra/local -am
 * java -jar benchmarks/billing-sync/target/billing-sync-throughput.jar --reports 10000 --batch 100
 * </pre>
 */
public final class BillingSyncThroughput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMER = "cus_BenchBilling";
  private static final String METER = "bench_calls";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String admin;
  private String entitlement;
  private String instance;

  private BillingSyncThroughput(String api, String admin) {
    this.api = api;
    this.admin = admin;
  }

  public static void main(String[] args) throws Exception {
    int reports = intOption(args, "--reports", 10_000);
    int batch = intOption(args, "--batch", 100);
    int warmup = intOption(args, "--warmup-batches", 5);
    Duration patience = Duration.ofSeconds(intOption(args, "--patience-seconds", 900));
    Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
    if (reports % batch != 0 || batch < 1 || batch > 1000) {
      throw new IllegalArgumentException("--reports must be a multiple of --batch (1..1000)");
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
      exit = bench.run(stripe, key, reports / batch, batch, warmup, patience);
      System.out.printf("load average at end: %s%n", loadAverage());
    }
    // after kaiten-local is stopped: System.exit inside the try would leave it running
    System.exit(exit);
  }

  private int run(
      StripeStandIn stripe, String key, int batches, int size, int warmup, Duration patience)
      throws Exception {
    String token = setUp(key);
    // Warm-up: every JVM of the path started and compiled; its events (value 1) are not measured.
    for (int i = 0; i < warmup; i++) {
      report(token, size, 1);
    }
    await(stripe, warmup * size, 1, patience);

    Instant[] answered = new Instant[batches];
    Instant started = Instant.now();
    for (int k = 0; k < batches; k++) {
      report(token, size, k + 2);
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
    long expected = 0;
    for (int k = 0; k < batches; k++) {
      expected += (long) (k + 2) * size;
    }
    long stripeTotal = stripe.total(CUSTOMER, METER) - (long) warmup * size;
    boolean exact = stripeTotal == expected && stripe.acceptedMoreThanOnce().isEmpty();
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
        exact ? "yes" : "NO: Stripe " + stripeTotal + ", Kaiten " + expected);
    return exact ? 0 : 1;
  }

  /** The catalog, a customer with its Stripe id, an instance, the connector: the instance token. */
  private String setUp(String key) throws IOException, InterruptedException {
    String suffix = Long.toString(System.nanoTime(), 36);
    String entitlement = "bench-calls-" + suffix;
    send(
        "POST",
        "/api/entitlements",
        admin,
        "{\"slug\":\""
            + entitlement
            + "\",\"name\":\"Bench\",\"type\":\"NUMERIC\","
            + "\"enforcement\":\"SOFT\"}");
    send(
        "POST",
        "/api/tiers",
        admin,
        "{\"slug\":\""
            + entitlement
            + "\",\"name\":\"Bench\",\"rank\":50,"
            + "\"entitlements\":{\""
            + entitlement
            + "\":null}}");
    String customer =
        send(
                "POST",
                "/api/customers",
                admin,
                "{\"name\":\"Bench\",\"metadata\":{\"stripe_customer_id\":\"" + CUSTOMER + "\"}}")
            .path("id")
            .asText();
    String license =
        send(
                "POST",
                "/api/licenses",
                admin,
                "{\"customer_id\":\"" + customer + "\",\"tier\":\"" + entitlement + "\"}")
            .path("id")
            .asText();
    send(
        "PUT",
        "/api/connectors/stripe",
        admin,
        "{\"api_key\":\""
            + key
            + "\",\"meters\":{\""
            + entitlement
            + "\":{\"event_name\":\""
            + METER
            + "\"}}}");
    this.entitlement = entitlement;
    this.instance = "bench-" + suffix;
    return send(
            "POST",
            "/api/instances",
            admin,
            "{\"id\":\"" + instance + "\",\"license_id\":\"" + license + "\"}")
        .path("token")
        .path("token")
        .asText();
  }

  /** One batch of {@code size} reports of {@code value}, every one answered ACCEPTED. */
  private void report(String token, int size, int value) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode events = body.putArray("events");
    for (int i = 0; i < size; i++) {
      events.addObject().put("entitlement_slug", entitlement).put("value", value);
    }
    JsonNode answer =
        send("POST", "/api/instances/" + instance + "/usage/batch", token, body.toString());
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
