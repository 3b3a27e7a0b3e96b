package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small Kaiten for tests, over real HTTP on 127.0.0.1: the snapshot of instance {@code acme-prod}
 * (with an ETag, answering 304 when it has not changed) and its usage batch endpoint, which dedupes
 * by idempotency key like the real server, answers REJECTED past a HARD limit and refuses unknown
 * entitlements per report. It records every batch request, and can be told to fail the next ones.
 */
final class FakeKaiten implements AutoCloseable {
  static final String INSTANCE = "acme-prod";

  /** Decimals read digit for digit (2.50 stays 2.50), as the server reads them. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private static final String PREFIX = "/api/instances/" + INSTANCE;
  private static final int HANG_UP = 0;
  private static final int COUNT_THEN_HANG_UP = -1;

  /** A batch request as it arrived, and what it was answered. */
  static final class Request {
    final JsonNode body;
    final long arrivedNanos;
    final int status;

    Request(JsonNode body, long arrivedNanos, int status) {
      this.body = body;
      this.arrivedNanos = arrivedNanos;
      this.status = status;
    }

    List<JsonNode> events() {
      List<JsonNode> events = new ArrayList<>();
      body.path("events").forEach(events::add);
      return events;
    }

    List<String> keys() {
      List<String> keys = new ArrayList<>();
      body.path("events").forEach(event -> keys.add(event.path("idempotency_key").asText()));
      return keys;
    }

    JsonNode checks() {
      return body.get("checks");
    }
  }

  /**
   * An answer given instead of the real one: a status (with an optional Retry-After and body), or a
   * hang-up.
   */
  private static final class Scripted {
    final int status;
    final String retryAfter;
    final String problem;

    Scripted(int status, String retryAfter, String problem) {
      this.status = status;
      this.retryAfter = retryAfter;
      this.problem = problem;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, BigDecimal> limits = new HashMap<>();
  private final Map<String, BigDecimal> usage = new HashMap<>();

  /** What each counted key was answered: a retry gets the same answer, replayed. */
  private final Map<String, ObjectNode> answers = new HashMap<>();

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final AtomicInteger snapshotReads = new AtomicInteger();
  private volatile boolean refuseChecks;

  /**
   * Counted down once a batch or a lease's settlement is counted; the next snapshot read waits for
   * it when set.
   */
  private final AtomicReference<CountDownLatch> holdNextSnapshot = new AtomicReference<>();

  private volatile CountDownLatch batchCounted = new CountDownLatch(0);
  private volatile boolean snapshotHeld;
  private volatile boolean refuseSnapshots;

  /**
   * Live and expired leases of api-calls by id (expired ones count for nothing), on the server's
   * clock.
   */
  private final Map<String, Lease> leases = new HashMap<>();

  private final AtomicInteger leaseIds = new AtomicInteger();
  private final AtomicInteger grantRequests = new AtomicInteger();
  private final List<String> grantBodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger settlementRequests = new AtomicInteger();
  private final AtomicInteger releaseRequests = new AtomicInteger();
  private volatile Clock serverClock = Clock.systemUTC();

  /** A lease as the server keeps it: units left, and when it ends. */
  private static final class Lease {
    BigDecimal units;
    final Instant expiresAt;

    Lease(BigDecimal units, Instant expiresAt) {
      this.units = units;
      this.expiresAt = expiresAt;
    }
  }

  FakeKaiten() throws IOException {
    System.setProperty(
        "sun.net.httpserver.nodelay", "true"); // else Nagle stalls each answer by 40 ms
    limits.put("api-calls", new BigDecimal(1_000_000));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The HARD limit of api-calls (1,000,000 unless set). */
  synchronized void limit(long limit) {
    limits.put("api-calls", BigDecimal.valueOf(limit));
  }

  synchronized BigDecimal usage() {
    return usage.getOrDefault("api-calls", BigDecimal.ZERO);
  }

  /**
   * The next {@code times} batch requests are answered {@code status}, with Retry-After when not
   * null.
   */
  void failNext(int times, int status, String retryAfter) {
    for (int i = 0; i < times; i++) {
      script.add(new Scripted(status, retryAfter, null));
    }
  }

  /** The next batch request is answered {@code status} with this problem+json body. */
  void answerNextWith(int status, String problem) {
    script.add(new Scripted(status, null, problem));
  }

  /** The next {@code times} batch requests are closed without an answer, uncounted. */
  void hangUpNext(int times) {
    for (int i = 0; i < times; i++) {
      script.add(new Scripted(HANG_UP, null, null));
    }
  }

  /**
   * The next batch request is counted, then closed without an answer: the answer is lost on the
   * way.
   */
  void countThenHangUpNext() {
    script.add(new Scripted(COUNT_THEN_HANG_UP, null, null));
  }

  /** Forgets the failures still scripted: the next requests are answered for real. */
  void recover() {
    script.clear();
  }

  /**
   * From now on a batch carrying check tallies is answered 422, naming {@code
   * checks.tallies[0].minute}.
   */
  void refuseChecks() {
    refuseChecks = true;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every event of every request answered 200, in order. */
  List<JsonNode> deliveredEvents() {
    List<JsonNode> events = new ArrayList<>();
    requests.stream()
        .filter(request -> request.status == 200)
        .forEach(request -> events.addAll(request.events()));
    return events;
  }

  int snapshotReads() {
    return snapshotReads.get();
  }

  /**
   * The next snapshot read waits until usage has been counted (a batch or a settlement), then
   * answers with it: a read that a delivery overtakes.
   */
  void holdNextSnapshotUntilUsageIsCounted() {
    CountDownLatch counted = new CountDownLatch(1);
    batchCounted = counted;
    holdNextSnapshot.set(counted);
  }

  /** Whether the held read has arrived (and waits). */
  boolean snapshotHeld() {
    return snapshotHeld;
  }

  /** From now on every snapshot read (but one already held) is answered 503. */
  void refuseSnapshots() {
    refuseSnapshots = true;
  }

  /** The clock leases are granted and expire by (the system's unless set). */
  void serverClock(Clock clock) {
    this.serverClock = clock;
  }

  /** Units of api-calls held by live leases now. */
  synchronized BigDecimal leased() {
    Instant now = serverClock.instant();
    return leases.values().stream()
        .filter(lease -> lease.expiresAt.isAfter(now))
        .map(lease -> lease.units)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  synchronized int liveLeases() {
    Instant now = serverClock.instant();
    return (int) leases.values().stream().filter(lease -> lease.expiresAt.isAfter(now)).count();
  }

  int grantRequests() {
    return grantRequests.get();
  }

  /** The bodies of the grant requests, as sent. */
  List<String> grantBodies() {
    return List.copyOf(grantBodies);
  }

  int settlementRequests() {
    return settlementRequests.get();
  }

  int releaseRequests() {
    return releaseRequests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!"Bearer ksh_test".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        answer(exchange, 401, problem(401, "the token is not valid", null));
      } else if ("GET".equals(exchange.getRequestMethod()) && path.equals(PREFIX + "/snapshot")) {
        snapshot(exchange);
      } else if ("POST".equals(exchange.getRequestMethod())
          && path.equals(PREFIX + "/usage/batch")) {
        batch(exchange);
      } else if ("POST".equals(exchange.getRequestMethod()) && path.equals(PREFIX + "/leases")) {
        grant(exchange);
      } else if ("POST".equals(exchange.getRequestMethod()) && path.equals(PREFIX + "/usage")) {
        settle(exchange);
      } else if ("DELETE".equals(exchange.getRequestMethod())
          && path.startsWith(PREFIX + "/leases/api-calls/")) {
        release(exchange, path.substring((PREFIX + "/leases/api-calls/").length()));
      } else {
        answer(exchange, 404, problem(404, "no such resource: " + path, null));
      }
    } finally {
      exchange.close();
    }
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    snapshotReads.incrementAndGet();
    CountDownLatch hold = holdNextSnapshot.getAndSet(null);
    if (hold != null) {
      snapshotHeld = true;
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    } else if (refuseSnapshots) {
      answer(exchange, 503, problem(503, "Kaiten is out of reach", null));
      return;
    }
    answerSnapshot(exchange);
  }

  private void answerSnapshot(HttpExchange exchange) throws IOException {
    String body;
    synchronized (this) {
      body =
          "{\"instance\":\"acme-prod\",\"license\":{\"id\":\"lic_1\",\"status\":\"ACTIVE\",\"starts_at\":null,"
              + "\"trial_ends_at\":null,\"expires_at\":null},\"entitlements\":[{\"slug\":\"api-calls\",\"type\":\"NUMERIC\","
              + "\"enabled\":true,\"source\":\"TIER\",\"reason\":\"GRANTED\",\"value\":"
              + limits.get("api-calls")
              + ",\"metering\":{\"aggregation\":\"SUM\",\"reset\":\"MONTH\",\"scope\":\"INSTANCE\",\"enforcement\":\"HARD\","
              + "\"overage_percent\":null,\"unit\":\"calls\"},\"usage\":{\"current_usage\":"
              + usage().toPlainString()
              + ",\"limit\":"
              + limits.get("api-calls")
              + ",\"status\":\"ACCEPTED\",\"period_start\":\"2026-12-01T00:00:00Z\","
              + "\"period_end\":\"2027-01-01T00:00:00Z\"}},{\"slug\":\"sso\",\"type\":\"BOOLEAN\",\"enabled\":true,"
              + "\"source\":\"TIER\",\"reason\":\"GRANTED\",\"value\":true}],\"as_of\":\"2026-12-04T00:00:00Z\"}";
    }
    String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
    exchange.getResponseHeaders().set("ETag", etag);
    if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    answer(exchange, 200, body);
  }

  private void batch(HttpExchange exchange) throws IOException {
    long arrived = System.nanoTime();
    JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
    Scripted scripted = script.poll();
    if (scripted != null && scripted.status == COUNT_THEN_HANG_UP) {
      synchronized (this) {
        int index = 0;
        for (JsonNode event : body.path("events")) {
          report(index++, event);
        }
      }
      requests.add(new Request(body, arrived, COUNT_THEN_HANG_UP));
      return;
    }
    if (scripted != null) {
      requests.add(new Request(body, arrived, scripted.status));
      if (scripted.status == HANG_UP) {
        return; // closed unanswered: the client sees the connection drop
      }
      if (scripted.retryAfter != null) {
        exchange.getResponseHeaders().set("Retry-After", scripted.retryAfter);
      }
      answer(
          exchange,
          scripted.status,
          scripted.problem != null
              ? scripted.problem
              : problem(scripted.status, "scripted failure", null));
      return;
    }
    if (refuseChecks && body.has("checks")) {
      requests.add(new Request(body, arrived, 422));
      answer(
          exchange,
          422,
          problem(
              422,
              "checks.tallies[0].minute must be within the late window",
              "checks.tallies[0].minute"));
      return;
    }
    // Like the server, a batch is checked whole first: an unknown entitlement refuses it, naming
    // the event.
    int checked = 0;
    for (JsonNode sent : body.path("events")) {
      String slug = sent.path("entitlement_slug").asText();
      if (!limits.containsKey(slug)) {
        synchronized (this) {
          requests.add(new Request(body, arrived, 422));
        }
        answer(
            exchange,
            422,
            problem(
                422,
                "events[" + checked + "]: entitlement '" + slug + "' does not exist",
                "events[" + checked + "].entitlement_slug"));
        return;
      }
      checked++;
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode results = answer.putArray("results");
    synchronized (this) {
      int index = 0;
      for (JsonNode event : body.path("events")) {
        results.add(report(index++, event));
      }
      requests.add(new Request(body, arrived, 200));
    }
    batchCounted.countDown();
    if (body.has("checks")) {
      answer
          .putObject("checks")
          .put("id", body.path("checks").path("id").asText())
          .put("recorded", body.path("checks").path("tallies").size());
    }
    answer(exchange, 200, JSON.writeValueAsString(answer));
  }

  /**
   * One event, decided as the server does: a key answered before is replayed; past the limit,
   * REJECTED.
   */
  private ObjectNode report(int index, JsonNode event) {
    ObjectNode item = JSON.createObjectNode().put("index", index);
    String slug = event.path("entitlement_slug").asText();
    String key = event.path("idempotency_key").asText();
    BigDecimal value = event.path("value").decimalValue();
    BigDecimal limit = limits.get(slug);
    if (limit == null) {
      item.set(
          "error",
          JSON.valueToTree(
              Map.of(
                  "type",
                  "https://kaiten.sh/problems/unknown-reference",
                  "title",
                  "Unknown reference",
                  "status",
                  400,
                  "detail",
                  "entitlement '" + slug + "' does not exist",
                  "field",
                  "entitlement_slug")));
      return item;
    }
    ObjectNode answered = answers.get(key);
    if (answered != null) {
      item.set("result", answered);
      item.put("replayed", true);
      return item;
    }
    BigDecimal current = usage.getOrDefault(slug, BigDecimal.ZERO);
    ObjectNode result = JSON.createObjectNode().put("entitlement", slug);
    if (current.add(leased()).add(value).compareTo(limit) > 0) {
      result
          .put("status", "REJECTED")
          .put("reason", "LIMIT_REACHED")
          .put("current_usage", current)
          .put("limit", limit);
    } else {
      usage.put(slug, current.add(value));
      result
          .put("status", "ACCEPTED")
          .putNull("reason")
          .put("current_usage", current.add(value))
          .put("limit", limit);
      answers.put(key, result);
    }
    item.set("result", result);
    item.put("replayed", false);
    return item;
  }

  /**
   * {@code POST /leases}: up to the units asked for, of what neither usage nor a live lease holds.
   */
  private void grant(HttpExchange exchange) throws IOException {
    grantRequests.incrementAndGet();
    byte[] sent = exchange.getRequestBody().readAllBytes();
    grantBodies.add(new String(sent, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(sent);
    ObjectNode answer = JSON.createObjectNode();
    synchronized (this) {
      Instant now = serverClock.instant();
      BigDecimal limit = limits.get("api-calls");
      BigDecimal available = limit.subtract(usage()).subtract(leased()).max(BigDecimal.ZERO);
      BigDecimal granted = body.path("units").decimalValue().min(available);
      answer
          .put("entitlement", "api-calls")
          .put("requested", body.path("units").decimalValue())
          .put("granted", granted);
      if (granted.signum() == 0) {
        answer.putNull("lease_id").putNull("expires_at").put("reason", "LIMIT_REACHED");
      } else {
        String id = String.format("lse_%026d", leaseIds.incrementAndGet());
        Instant expires = now.plusSeconds(body.path("ttl_seconds").asLong(60));
        leases.put(id, new Lease(granted, expires));
        answer.put("lease_id", id).put("expires_at", expires.toString()).putNull("reason");
      }
      answer
          .put("limit", limit)
          .put("current_usage", usage())
          .put("leased", leased())
          .put("available", available.subtract(granted));
    }
    answer(exchange, 200, answer.toString());
  }

  /**
   * {@code POST /usage} naming a lease: its units move to the usage (the rest from the pool, if it
   * fits).
   */
  private void settle(HttpExchange exchange) throws IOException {
    settlementRequests.incrementAndGet();
    JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
    String key = body.path("idempotency_key").asText();
    ObjectNode result;
    synchronized (this) {
      ObjectNode answered = answers.get(key);
      if (answered != null) {
        answer(exchange, 200, answered.toString());
        return;
      }
      Lease lease = leases.get(body.path("lease_id").asText());
      if (lease == null || !lease.expiresAt.isAfter(serverClock.instant())) {
        answer(
            exchange,
            lease == null ? 422 : 409,
            problem(lease == null ? 422 : 409, "not a live lease", "lease_id"));
        return;
      }
      BigDecimal value = body.path("value").decimalValue();
      BigDecimal fromLease = value.min(lease.units);
      BigDecimal fromPool = value.subtract(fromLease);
      BigDecimal limit = limits.get("api-calls");
      result = JSON.createObjectNode().put("entitlement", "api-calls");
      if (fromPool.signum() > 0 && usage().add(leased()).add(fromPool).compareTo(limit) > 0) {
        result.put("status", "REJECTED").put("reason", "LIMIT_REACHED");
      } else {
        lease.units = lease.units.subtract(fromLease);
        usage.put("api-calls", usage().add(value));
        result.put("status", "ACCEPTED").putNull("reason");
        answers.put(key, result);
      }
      result.put("current_usage", usage()).put("limit", limit);
    }
    batchCounted.countDown();
    answer(exchange, 200, result.toString());
  }

  /** {@code DELETE /leases/api-calls/{id}}: a live lease ends and its units go back to the pool. */
  private void release(HttpExchange exchange, String id) throws IOException {
    releaseRequests.incrementAndGet();
    BigDecimal released;
    synchronized (this) {
      Lease lease = leases.get(id);
      if (lease == null || !lease.expiresAt.isAfter(serverClock.instant())) {
        answer(
            exchange,
            lease == null ? 404 : 409,
            problem(lease == null ? 404 : 409, "not a live lease", null));
        return;
      }
      leases.remove(id);
      released = lease.units;
    }
    answer(
        exchange,
        200,
        JSON.createObjectNode().put("lease_id", id).put("released", released).toString());
  }

  private static String problem(int status, String detail, String field) {
    ObjectNode problem =
        JSON.createObjectNode()
            .put("type", "about:blank")
            .put("title", "Failure")
            .put("status", status)
            .put("detail", detail);
    if (field != null) {
      problem.put("field", field);
    }
    return problem.toString();
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
