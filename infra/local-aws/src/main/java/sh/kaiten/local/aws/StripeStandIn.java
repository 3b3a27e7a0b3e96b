package sh.kaiten.local.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Stripe's {@code POST /v1/billing/meter_events} (and its meters' reads) on 127.0.0.1, for the
 * tests: it follows the contract Stripe's API reference documents, on a {@link Clock} the test
 * controls.
 *
 * <ul>
 *   <li>Bearer key: the one it was started with, else 401.
 *   <li>Form fields: {@code event_name} (required, ≤ 100), {@code payload[stripe_customer_id]},
 *       {@code payload[value]} (a whole number), {@code identifier} (≤ 100; generated when absent),
 *       {@code timestamp} (Unix seconds: at most 35 days back and 5 minutes ahead; now when
 *       absent). A breach is a 400 in Stripe's error shape naming the {@code param}. Stripe checks
 *       the payload keys asynchronously (a meter error report); the stand-in refuses at once, which
 *       is stricter, never looser.
 *   <li>Identifiers are unique for {@link #DEDUP_WINDOW}: a repeat inside it is a 400 {@code
 *       resource_already_exists} on {@code identifier} and is not counted. Stripe's reference says
 *       it enforces uniqueness but not how it answers a repeat; a sender must take either answer (a
 *       200 or this refusal) as "Stripe has it". After the window the same identifier is accepted
 *       again, as Stripe may: that is what a sender's own ledger is for.
 *   <li>One call at a time per customer and meter: a second one while the first is in flight is a
 *       429 {@code rate_limit}.
 * </ul>
 *
 * <p>It also answers the reads of Stripe's meters, as {@link StripeMeters} describes: {@code GET
 * /v1/billing/meters} and {@code GET /v1/billing/meters/{id}/event_summaries}, over the meters a
 * test created ({@link #meter}) and the events accepted.
 *
 * <p>It can be told to fail: by call number ({@link #faults}) or over a span of the clock ({@link
 * #outage}), with a 429, a 500, a dropped connection, or a call accepted whose answer is lost (the
 * case a sender's ledger write can miss). It keeps every event it accepted, and every identifier
 * any call carried.
 */
public final class StripeStandIn implements AutoCloseable {
  public static final Duration DEDUP_WINDOW = Duration.ofHours(24);
  public static final Duration BACKDATING = Duration.ofDays(35);
  public static final Duration AHEAD = Duration.ofMinutes(5);
  private static final int MAX_LENGTH = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a call is made to fail. */
  public enum Fault {
    NONE,
    /** 429 {@code rate_limit}, nothing accepted. */
    RATE_LIMIT,
    /** 500 {@code api_error}, nothing accepted. */
    SERVER_ERROR,
    /** The connection closed without an answer, nothing accepted. */
    DROP_CONNECTION,
    /** Accepted and kept, then answered 500: the sender cannot know. */
    ACCEPT_THEN_SERVER_ERROR,
    /** Accepted and kept, then the connection closed without an answer. */
    ACCEPT_THEN_DROP
  }

  /** One accepted meter event. */
  public record Accepted(
      String identifier,
      String eventName,
      String customer,
      long value,
      Instant timestamp,
      Instant acceptedAt) {}

  private record Lane(String customer, String eventName) {}

  private record Outage(Instant from, Instant until, Fault fault) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Clock clock;
  private final String apiKey;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger concurrentRefusals = new AtomicInteger();
  private final AtomicInteger outageCalls = new AtomicInteger();
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final List<String> identifiersReceived = new CopyOnWriteArrayList<>();
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Set<Lane> inFlight = ConcurrentHashMap.newKeySet();
  private final List<Outage> outages = new CopyOnWriteArrayList<>();
  private final StripeMeters meters;
  private volatile IntFunction<Fault> faults = n -> Fault.NONE;
  private volatile CountDownLatch holdArrived;
  private volatile CountDownLatch holdRelease;

  private StripeStandIn(Clock clock, String apiKey) throws IOException {
    this.clock = clock;
    this.apiKey = apiKey;
    this.meters = new StripeMeters(clock);
    server = LoopbackServers.create(0, 0);
    server.createContext("/", this::answer);
    server.setExecutor(threads);
    server.start();
  }

  /**
   * @param clock the time Stripe sees (dedup window, timestamp bounds, outages)
   * @param apiKey the only key it takes, made up by the test
   */
  public static StripeStandIn start(Clock clock, String apiKey) {
    try {
      return new StripeStandIn(clock, apiKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Stripe stand-in", e);
    }
  }

  /** The API base to give the client in place of {@code https://api.stripe.com}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How the n-th call (from 1) fails, or {@link Fault#NONE}. */
  public StripeStandIn faults(IntFunction<Fault> byCall) {
    this.faults = byCall;
    return this;
  }

  /** Every call while the clock is in [from, until) fails so. */
  public StripeStandIn outage(Instant from, Instant until, Fault fault) {
    outages.add(new Outage(from, until, fault));
    return this;
  }

  /**
   * Holds the next valid call in flight (after it took its customer and meter's lane) until the
   * returned latch is counted down; {@code arrived} is counted down when it is held.
   */
  public CountDownLatch holdNextCall(CountDownLatch arrived) {
    CountDownLatch release = new CountDownLatch(1);
    holdRelease = release;
    holdArrived = arrived;
    return release;
  }

  /**
   * A meter, as the vendor creates it in Stripe's dashboard: active from now, counting the events
   * accepted from now on whose {@code event_name} is {@code eventName}.
   *
   * @param formula {@code sum}, {@code count} or {@code last}
   * @return its id ({@code mtr_test_...})
   */
  public String meter(String eventName, String formula) {
    return meters.create(eventName, formula);
  }

  /**
   * Forgets an accepted event, as if it had never reached Stripe (a test's way to make Stripe's
   * totals differ from Kaiten's; Stripe itself cancels events only through meter event
   * adjustments).
   *
   * @return whether there was one
   */
  public boolean forget(String identifier) {
    return accepted.removeIf(event -> event.identifier().equals(identifier));
  }

  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** What a {@code sum} meter holds for the customer: the values accepted for it. */
  public long total(String customer, String eventName) {
    return accepted.stream()
        .filter(event -> event.customer().equals(customer) && event.eventName().equals(eventName))
        .mapToLong(Accepted::value)
        .sum();
  }

  /** Every customer and meter's total, as "customer/event_name". */
  public Map<String, Long> totals() {
    return accepted.stream()
        .collect(
            Collectors.groupingBy(
                event -> event.customer() + "/" + event.eventName(),
                Collectors.summingLong(Accepted::value)));
  }

  /**
   * What a {@code last} meter holds for the customer: the value of the event with the latest
   * timestamp (the latest accepted among equal timestamps), or null.
   */
  public Long last(String customer, String eventName) {
    Accepted last = null;
    for (Accepted event : accepted) {
      if (event.customer().equals(customer)
          && event.eventName().equals(eventName)
          && (last == null || !event.timestamp().isBefore(last.timestamp()))) {
        last = event;
      }
    }
    return last == null ? null : last.value();
  }

  /** The identifier of every call that carried one, accepted or not, in order of arrival. */
  public List<String> identifiersReceived() {
    return List.copyOf(identifiersReceived);
  }

  /** Identifiers accepted more than once (only possible past the dedup window). */
  public Set<String> acceptedMoreThanOnce() {
    Map<String, Integer> counts = new HashMap<>();
    accepted.forEach(event -> counts.merge(event.identifier(), 1, Integer::sum));
    return counts.entrySet().stream()
        .filter(entry -> entry.getValue() > 1)
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  public int calls() {
    return calls.get();
  }

  /** How many calls fell into an {@link #outage}. */
  public int outageCalls() {
    return outageCalls.get();
  }

  /** How many calls were refused because another for the same customer and meter was in flight. */
  public int concurrentRefusals() {
    return concurrentRefusals.get();
  }

  /** An answer: a status and a JSON body, or no answer at all (the connection dropped). */
  private record Reply(int status, Object body) {
    static final Reply DROP = new Reply(0, null);

    static Reply error(int status, String type, String code, String param, String message) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("type", type);
      if (code != null) {
        error.put("code", code);
      }
      if (param != null) {
        error.put("param", param);
      }
      error.put("message", message);
      return new Reply(status, Map.of("error", error));
    }

    static Reply invalid(String code, String param, String message) {
      return error(400, "invalid_request_error", code, param, message);
    }

    static Reply missing(String param) {
      return invalid("parameter_missing", param, "Missing required param: " + param + ".");
    }

    static Reply rateLimited() {
      return error(
          429,
          "invalid_request_error",
          "rate_limit",
          null,
          "Too many concurrent requests for this customer and meter; retry with backoff");
    }

    static Reply serverError() {
      return error(500, "api_error", null, null, "An unknown error occurred");
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply = reply(exchange);
      if (reply.status() == 0) {
        // An exchange closed before its headers were sent closes its connection: no status at all.
        return;
      }
      byte[] bytes = JSON.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Request-Id", "req_standin_" + System.nanoTime());
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private Reply reply(HttpExchange exchange) throws IOException {
    int call = calls.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    boolean read = "GET".equals(exchange.getRequestMethod()) && meters.serves(path);
    if (!read
        && (!"POST".equals(exchange.getRequestMethod())
            || !"/v1/billing/meter_events".equals(path))) {
      return Reply.error(404, "invalid_request_error", null, null, "Unrecognized request URL");
    }
    if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return Reply.error(401, "invalid_request_error", null, null, "Invalid API Key provided");
    }
    if (read) {
      StripeMeters.Answer answer =
          meters.answer(path, form(nullToEmpty(exchange.getRequestURI().getRawQuery())), accepted);
      return new Reply(answer.status(), answer.body());
    }
    Map<String, String> form =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String identifier = form.get("identifier");
    if (identifier != null) {
      identifiersReceived.add(identifier);
    }
    Fault fault = faultFor(call);
    switch (fault) {
      case RATE_LIMIT:
        return Reply.rateLimited();
      case SERVER_ERROR:
        return Reply.serverError();
      case DROP_CONNECTION:
        return Reply.DROP;
      default:
        break;
    }
    String eventName = form.get("event_name");
    String customer = form.get("payload[stripe_customer_id]");
    Lane lane = new Lane(customer, eventName);
    if (eventName != null && customer != null && !inFlight.add(lane)) {
      concurrentRefusals.incrementAndGet();
      return Reply.rateLimited();
    }
    // The lane is free again before the answer goes out, so a client that calls again as soon as
    // it has the answer is never refused for its own previous call.
    try {
      holdIfAsked();
      Reply reply = accept(form);
      if (reply.status() == 200 && fault == Fault.ACCEPT_THEN_SERVER_ERROR) {
        return Reply.serverError();
      }
      if (reply.status() == 200 && fault == Fault.ACCEPT_THEN_DROP) {
        return Reply.DROP;
      }
      return reply;
    } finally {
      inFlight.remove(lane);
    }
  }

  private Reply accept(Map<String, String> form) {
    Instant now = clock.instant();
    String eventName = form.get("event_name");
    if (eventName == null || eventName.isEmpty()) {
      return Reply.missing("event_name");
    }
    if (eventName.length() > MAX_LENGTH) {
      return Reply.invalid(null, "event_name", "event_name is longer than 100 characters");
    }
    String customer = form.get("payload[stripe_customer_id]");
    if (customer == null || customer.isEmpty()) {
      return Reply.missing("payload[stripe_customer_id]");
    }
    String rawValue = form.get("payload[value]");
    if (rawValue == null) {
      return Reply.missing("payload[value]");
    }
    long value;
    try {
      value = Long.parseLong(rawValue);
    } catch (NumberFormatException notWhole) {
      return Reply.invalid(
          "parameter_invalid_integer",
          "payload[value]",
          "Invalid integer: " + rawValue + " (meter event values are whole numbers)");
    }
    String identifier = form.get("identifier");
    if (identifier != null && (identifier.isEmpty() || identifier.length() > MAX_LENGTH)) {
      return Reply.invalid(null, "identifier", "identifier must be 1 to 100 characters");
    }
    Instant timestamp = now;
    String rawTimestamp = form.get("timestamp");
    if (rawTimestamp != null) {
      try {
        timestamp = Instant.ofEpochSecond(Long.parseLong(rawTimestamp));
      } catch (NumberFormatException notInteger) {
        return Reply.invalid(
            "parameter_invalid_integer", "timestamp", "Invalid integer: " + rawTimestamp);
      }
      if (timestamp.isBefore(now.minus(BACKDATING))) {
        return Reply.invalid(
            "timestamp_too_far_in_past",
            "timestamp",
            "The timestamp must be within the past 35 calendar days");
      }
      if (timestamp.isAfter(now.plus(AHEAD))) {
        return Reply.invalid(
            "timestamp_in_future",
            "timestamp",
            "The timestamp cannot be more than 5 minutes in the future");
      }
    }
    String id = identifier == null ? "gen_" + UUID.randomUUID() : identifier;
    synchronized (seen) {
      Instant first = seen.get(id);
      if (first != null && now.isBefore(first.plus(DEDUP_WINDOW))) {
        return Reply.invalid(
            "resource_already_exists",
            "identifier",
            "An event already exists with identifier " + id);
      }
      seen.put(id, now);
      accepted.add(new Accepted(id, eventName, customer, value, timestamp, now));
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("object", "billing.meter_event");
    event.put("created", now.getEpochSecond());
    event.put("event_name", eventName);
    event.put("identifier", id);
    event.put("livemode", false);
    event.put("payload", Map.of("stripe_customer_id", customer, "value", Long.toString(value)));
    event.put("timestamp", timestamp.getEpochSecond());
    return new Reply(200, event);
  }

  private Fault faultFor(int call) {
    Instant now = clock.instant();
    for (Outage outage : outages) {
      if (!now.isBefore(outage.from()) && now.isBefore(outage.until())) {
        outageCalls.incrementAndGet();
        return outage.fault();
      }
    }
    Fault fault = faults.apply(call);
    return fault == null ? Fault.NONE : fault;
  }

  private void holdIfAsked() {
    CountDownLatch release;
    CountDownLatch arrived;
    synchronized (this) {
      release = holdRelease;
      arrived = holdArrived;
      holdRelease = null;
      holdArrived = null;
    }
    if (release == null) {
      return;
    }
    arrived.countDown();
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a held call was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String nullToEmpty(String query) {
    return query == null ? "" : query;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
