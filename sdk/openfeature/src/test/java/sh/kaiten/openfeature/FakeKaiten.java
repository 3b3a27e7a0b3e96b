package sh.kaiten.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kaiten's two endpoints a client needs, for one instance: the snapshot (with an ETag, 304 to a
 * matching {@code If-None-Match}, switchable to another body, or down with 503) and the usage batch
 * (bodies recorded, every event ACCEPTED).
 */
final class FakeKaiten implements AutoCloseable {
  static final String INSTANCE = "acme-prod";
  static final String TOKEN = "ksh_test";
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Without it each small answer waits on Nagle's algorithm and the client's delayed ACK (~40
    // ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          4,
          runnable -> {
            Thread thread = new Thread(runnable, "fake-kaiten");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicInteger snapshotRequests = new AtomicInteger();
  private final List<JsonNode> batches = new CopyOnWriteArrayList<>();
  private volatile String snapshot;
  private volatile String etag;
  private volatile boolean down;

  private FakeKaiten(String fixture) throws IOException {
    answer(fixture);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/instances/" + INSTANCE + "/snapshot", exchange -> closing(exchange, this::snapshot));
    server.createContext(
        "/api/instances/" + INSTANCE + "/usage/batch", exchange -> closing(exchange, this::batch));
    server.setExecutor(executor);
    server.start();
  }

  /** A fake answering the snapshot in {@code fixture} (a resource next to this class). */
  static FakeKaiten serving(String fixture) throws IOException {
    return new FakeKaiten(fixture);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on, the snapshot in {@code fixture}, with its own ETag. */
  void answer(String fixture) {
    String body = fixture(fixture);
    snapshot = body;
    etag = "\"" + sha256(body).substring(0, 16) + "\"";
  }

  /** Every snapshot request is answered 503 until {@link #comeBack}. */
  void goDown() {
    down = true;
  }

  void comeBack() {
    down = false;
  }

  int snapshotRequests() {
    return snapshotRequests.get();
  }

  /** The usage batches received, as sent. */
  List<JsonNode> batches() {
    return List.copyOf(batches);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Java 11's HttpExchange is not AutoCloseable: each answer ends here. */
  private static void closing(HttpExchange exchange, HttpHandler handler) throws IOException {
    try {
      handler.handle(exchange);
    } finally {
      exchange.close();
    }
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    snapshotRequests.incrementAndGet();
    if (!authorized(exchange)) {
      return;
    }
    if (down) {
      send(exchange, 503, "{\"title\":\"Service Unavailable\"}");
      return;
    }
    String current = etag;
    String body = snapshot;
    exchange.getResponseHeaders().set("ETag", current);
    if (current.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    send(exchange, 200, body);
  }

  private void batch(HttpExchange exchange) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    batches.add(request);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode results = answer.putArray("results");
    JsonNode events = request.path("events");
    for (int i = 0; i < events.size(); i++) {
      ObjectNode result = results.addObject();
      result.put("index", i);
      ObjectNode usage = result.putObject("result");
      usage.put("entitlement", events.get(i).path("entitlement_slug").asText());
      usage.put("status", "ACCEPTED");
      usage.put("current_usage", 1);
      usage.putNull("limit");
      result.put("replayed", false);
    }
    send(exchange, 200, JSON.writeValueAsString(answer));
  }

  private static boolean authorized(HttpExchange exchange) throws IOException {
    if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    send(exchange, 401, "{\"title\":\"Unauthorized\"}");
    return false;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String fixture(String name) {
    try (InputStream in = FakeKaiten.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no fixture " + name + " next to " + FakeKaiten.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String body) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
