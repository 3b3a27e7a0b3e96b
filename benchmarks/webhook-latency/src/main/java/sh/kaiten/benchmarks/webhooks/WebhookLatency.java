package sh.kaiten.benchmarks.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sh.kaiten.benchmarks.support.KaitenLocalProcess;

/**
 * The time from a usage report that crosses a limit to the signed {@code usage.limit_reached}
 * webhook arriving at a receiver, through the whole local stack as a user runs it: kaiten-local's
 * jar, the usage function, the thresholds queue, the threshold evaluator, the events queue, the
 * webhook dispatcher's fan-out and its delivery.
 *
 * <p>Each crossing is its own instance (limit 1, threshold 100 %), reported one after the other so
 * that each measures the pipeline, not a queue behind it. The clock starts when the report is sent
 * and stops when the receiver has verified the delivery's signature.
 *
 * <pre>
 * mvn -q install -DskipTests
 * java -jar benchmarks/webhook-latency/target/webhook-latency.jar --crossings 200 --warmup 10
 * </pre>
 */
public final class WebhookLatency {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String admin;

  private WebhookLatency(String api, String admin) {
    this.api = api;
    this.admin = admin;
  }

  public static void main(String[] args) throws Exception {
    int crossings = intOption(args, "--crossings", 200);
    int warmup = intOption(args, "--warmup", 10);
    Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
    try (KaitenLocalProcess kaiten =
            KaitenLocalProcess.start(root, "kaiten-webhook-latency", List.of("--demo"));
        Receiver receiver = new Receiver()) {
      String api = kaiten.baseUrl();
      JsonNode state = JSON.readTree(kaiten.stateFile().toFile());
      WebhookLatency bench = new WebhookLatency(api, state.path("admin_token").asText());
      List<Long> latencies = bench.run(receiver, crossings, warmup);
      report(latencies, crossings, receiver.rejected.get());
    }
  }

  /** The latencies in nanoseconds of the measured crossings (warm-up crossings left out). */
  private List<Long> run(Receiver receiver, int crossings, int warmup) throws Exception {
    String suffix = Long.toString(System.nanoTime(), 36);
    String entitlement = "bench-" + suffix;
    post(
        "/api/entitlements",
        admin,
        "{\"slug\":\""
            + entitlement
            + "\",\"name\":\"Bench\",\"type\":\"NUMERIC\","
            + "\"thresholds\":[100]}");
    post(
        "/api/tiers",
        admin,
        "{\"slug\":\""
            + entitlement
            + "\",\"name\":\"Bench\",\"rank\":50,"
            + "\"entitlements\":{\""
            + entitlement
            + "\":1}}");
    String customer = post("/api/customers", admin, "{\"name\":\"Bench\"}").path("id").asText();
    String license =
        post(
                "/api/licenses",
                admin,
                "{\"customer_id\":\"" + customer + "\",\"tier\":\"" + entitlement + "\"}")
            .path("id")
            .asText();
    receiver.secret =
        post(
                "/api/webhooks",
                admin,
                "{\"url\":\"" + receiver.url() + "\",\"event_types\":[\"usage.limit_reached\"]}")
            .path("secret")
            .asText();

    List<String[]> instances = new ArrayList<>();
    for (int i = 0; i < warmup + crossings; i++) {
      String id = "bench-" + suffix + "-" + i;
      String token =
          post(
                  "/api/instances",
                  admin,
                  "{\"id\":\"" + id + "\",\"license_id\":\"" + license + "\"}")
              .path("token")
              .path("token")
              .asText();
      instances.add(new String[] {id, token});
    }
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      String id = instances.get(i)[0];
      CompletableFuture<Long> arrival = receiver.expect(id);
      long sent = System.nanoTime();
      JsonNode answer =
          post(
              "/api/instances/" + id + "/usage",
              instances.get(i)[1],
              "{\"entitlement_slug\":\"" + entitlement + "\",\"value\":1}");
      if (!"ACCEPTED".equals(answer.path("status").asText())) {
        throw new IllegalStateException("the crossing report was not accepted: " + answer);
      }
      long arrived = arrival.get(DELIVERY_LIMIT.toSeconds(), TimeUnit.SECONDS);
      if (i >= warmup) {
        latencies.add(arrived - sent);
      }
    }
    return latencies;
  }

  private JsonNode post(String path, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static void report(List<Long> latencies, int crossings, int rejected) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("%n| crossings | p50 | p90 | p99 | max | mean | unverified deliveries |%n");
    System.out.printf("|---|---|---|---|---|---|---|%n");
    System.out.printf(
        "| %d | %s | %s | %s | %s | %s | %d |%n",
        crossings,
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 90)),
        ms(percentile(sorted, 99)),
        ms(sorted.get(sorted.size() - 1)),
        ms((long) sorted.stream().mapToLong(Long::longValue).average().orElse(0)),
        rejected);
  }

  /** Nearest rank. */
  private static long percentile(List<Long> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String ms(long nanos) {
    return String.format("%.0f ms", nanos / 1e6);
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

  /**
   * Receives deliveries on 127.0.0.1, verifies each signature, and notes when each instance's event
   * arrived.
   */
  private static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, CompletableFuture<Long>> expected = new ConcurrentHashMap<>();
    private final AtomicInteger rejected = new AtomicInteger();
    private volatile String secret;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::receive);
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    CompletableFuture<Long> expect(String instanceId) {
      return expected.computeIfAbsent(instanceId, id -> new CompletableFuture<>());
    }

    private void receive(HttpExchange exchange) throws IOException {
      try (exchange) {
        long arrived = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
          new Webhook(secret).verify(body, exchange.getRequestHeaders());
        } catch (Exception e) {
          rejected.incrementAndGet();
          exchange.sendResponseHeaders(400, -1);
          return;
        }
        expect(JSON.readTree(body).path("data").path("instance_id").asText()).complete(arrived);
        exchange.sendResponseHeaders(204, -1);
      }
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
