package sh.kaiten.benchmarks.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kaiten's SDK endpoints on loopback, as cheap as possible, so a benchmark measures the client: a
 * fixed snapshot (api-calls HARD with a limit no benchmark reaches, sso granted), a batch endpoint
 * that accepts every event (or, for a server that is down, answers 503 to every batch), and leases:
 * every grant gets what it asks for, for 60 s, and every settlement and release is answered 200.
 */
final class StandInKaiten implements AutoCloseable {
  static final String INSTANCE = "bench-instance";
  private static final byte[] SNAPSHOT =
      ("{\"instance\":\""
              + INSTANCE
              + "\",\"license\":{\"id\":\"lic_bench\","
              + "\"status\":\"ACTIVE\",\"starts_at\":null,\"trial_ends_at\":null,\"expires_at\":null},\"entitlements\":["
              + "{\"slug\":\"api-calls\",\"type\":\"NUMERIC\",\"enabled\":true,\"source\":\"TIER\",\"reason\":\"GRANTED\","
              + "\"value\":1000000000000000,\"metering\":{\"aggregation\":\"SUM\",\"reset\":\"NONE\",\"scope\":\"INSTANCE\","
              + "\"enforcement\":\"HARD\",\"overage_percent\":null,\"unit\":\"calls\"},\"usage\":{\"current_usage\":0,"
              + "\"limit\":1000000000000000,\"status\":\"ACCEPTED\",\"period_start\":null,\"period_end\":null}},"
              + "{\"slug\":\"sso\",\"type\":\"BOOLEAN\",\"enabled\":true,\"source\":\"TIER\",\"reason\":\"GRANTED\","
              + "\"value\":true}],\"as_of\":\"2026-12-04T00:00:00Z\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final String ETAG = "\"bench-1\"";
  private static final byte[] RESULT =
      ("{\"result\":{\"entitlement\":\"api-calls\",\"status\":\"ACCEPTED\","
              + "\"reason\":null,\"current_usage\":0,\"limit\":1000000000000000},\"replayed\":false}")
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final boolean takesReports;
  private final AtomicLong leases = new AtomicLong();
  private static final Pattern UNITS = Pattern.compile("\"units\":([0-9.Ee+-]+)");

  StandInKaiten() throws IOException {
    this(true);
  }

  /**
   * @param takesReports false: the batch endpoint answers 503, so every report stays queued
   */
  StandInKaiten(boolean takesReports) throws IOException {
    this.takesReports = takesReports;
    System.setProperty("sun.net.httpserver.nodelay", "true"); // no 40 ms Nagle stalls on loopback
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/instances/" + INSTANCE + "/snapshot", this::snapshot);
    server.createContext("/api/instances/" + INSTANCE + "/usage/batch", this::batch);
    server.createContext("/api/instances/" + INSTANCE + "/leases", this::lease);
    server.createContext("/api/instances/" + INSTANCE + "/usage", this::settle);
    server.setExecutor(threads);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("ETag", ETAG);
    if (ETAG.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
    } else {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, SNAPSHOT.length);
      exchange.getResponseBody().write(SNAPSHOT);
    }
    exchange.close();
  }

  /** One ACCEPTED result per event, counted from the body without parsing it. */
  private void batch(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    if (!takesReports) {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    int events = count(new String(body, StandardCharsets.UTF_8), "\"entitlement_slug\"");
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write("{\"results\":[".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < events; i++) {
        out.write(((i == 0 ? "" : ",") + "{\"index\":" + i + ",").getBytes(StandardCharsets.UTF_8));
        out.write(RESULT, 1, RESULT.length - 1);
      }
      out.write("]}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A grant of the units asked for ({@code POST}), or a release ({@code DELETE}). */
  private void lease(HttpExchange exchange) throws IOException {
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String answer;
    if ("DELETE".equals(exchange.getRequestMethod())) {
      answer = "{\"released\":0}";
    } else {
      Matcher units = UNITS.matcher(body);
      String granted =
          units.find() ? new java.math.BigDecimal(units.group(1)).toPlainString() : "0";
      answer =
          "{\"lease_id\":\"lse_"
              + String.format("%026d", leases.incrementAndGet())
              + "\",\"granted\":"
              + granted
              + ",\"expires_at\":\""
              + Instant.now().plusSeconds(60)
              + "\",\"available\":1000000000000000}";
    }
    answerJson(exchange, answer);
  }

  /** A settlement of a lease: counted. */
  private void settle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
    }
    answerJson(exchange, "{\"entitlement\":\"api-calls\",\"status\":\"ACCEPTED\",\"reason\":null}");
  }

  private static void answerJson(HttpExchange exchange, String answer) throws IOException {
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      count++;
    }
    return count;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
