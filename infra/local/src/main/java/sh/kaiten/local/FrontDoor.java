package sh.kaiten.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP front door: routes each request to a function as the template's HttpApi events say,
 * as an API Gateway payload 2.0 event, and maps the answer back. Failures of the function itself
 * are answered as problem+json: 502 when it errs or crashes, 504 when it does not answer in time.
 */
final class FrontDoor implements AutoCloseable {
  /** kaiten-local's own control path; API Gateway would never route it to a function. */
  static final String SCHEDULES = "/_local/schedules";
  /** API Gateway's HTTP API takes at most 10 KiB of request line and headers. */
  static final int MAX_HEADER_BYTES = 10 * 1024;
  /** More headers than any client sends; past it the answer is 431, as past the size. */
  static final int MAX_HEADERS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<HttpRoute> routes;
  private final Map<String, ScheduleTrigger> schedules;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(64, r -> {
    Thread thread = new Thread(r, "front-door");
    thread.setDaemon(true);
    return thread;
  });

  FrontDoor(int port, List<HttpRoute> routes, List<ScheduleTrigger> schedules) throws IOException {
    this.routes = new ArrayList<>(routes);
    this.routes.sort(Comparator.comparingInt(HttpRoute::specificity).reversed());
    this.schedules = new TreeMap<>();
    schedules.forEach(schedule -> this.schedules.put(schedule.key(), schedule));
    this.server = LoopbackHttp.create(port, 128, threads);
    server.createContext("/", this::handle);
    server.createContext(SCHEDULES, this::handleSchedule);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (refusedAtTheDoor(exchange)) {
        return;
      }
      Optional<Map.Entry<HttpRoute, Map<String, String>>> match = route(method, path);
      if (match.isEmpty()) {
        problem(exchange, 404, "not-found", "no route for " + method + " " + path);
        return;
      }
      HttpRoute route = match.get().getKey();
      var request = new ApiGatewayEvents.Request(method, exchange.getRequestURI(), exchange.getRequestHeaders(),
          exchange.getRequestBody().readAllBytes(), exchange.getRemoteAddress().getAddress().getHostAddress());
      Optional<String> answer = await(exchange, route.function(),
          route.function().invoke(ApiGatewayEvents.request(route, match.get().getValue(), request)));
      if (answer.isPresent()) {
        write(exchange, ApiGatewayEvents.response(answer.get()));
      }
    }
  }

  /**
   * What API Gateway refuses before any function sees it, answered as problem+json: headers past its
   * size (431), a header value holding control characters (400 naming the header), and dot segments
   * in the path (400): {@code /entitlements/../usage} is not routed as {@code /usage}.
   */
  private static boolean refusedAtTheDoor(HttpExchange exchange) throws IOException {
    int count = 0;
    long bytes = exchange.getRequestURI().getRawPath().length();
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      for (String value : header.getValue()) {
        count++;
        bytes += header.getKey().length() + value.length() + 4;
        if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
          problem(exchange, 400, "invalid-input", "the " + header.getKey() + " header holds control characters",
              header.getKey());
          return true;
        }
      }
    }
    if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
      problem(exchange, 431, "headers-too-large", "the request has " + count + " headers of " + bytes
          + " bytes; at most " + MAX_HEADERS + " headers and " + MAX_HEADER_BYTES + " bytes are taken", null);
      return true;
    }
    for (String segment : exchange.getRequestURI().getRawPath().split("/", -1)) {
      String plain = segment.replaceAll("(?i)%2e", ".");
      if (plain.equals(".") || plain.equals("..")) {
        problem(exchange, 400, "invalid-input", "the path must not hold '.' or '..' segments", "path");
        return true;
      }
    }
    return false;
  }

  /**
   * {@code GET /_local/schedules} lists the schedules; {@code POST /_local/schedules/{function}/{event}}
   * fires one now and answers with what the function returned.
   */
  private void handleSchedule(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().replaceFirst("^" + SCHEDULES + "/?", "");
      if (path.isEmpty() && exchange.getRequestMethod().equals("GET")) {
        byte[] body = JSON.writeValueAsBytes(schedules.keySet());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        write(exchange, new ApiGatewayEvents.Response(200, Map.of(), body));
        return;
      }
      ScheduleTrigger schedule = schedules.get(path);
      if (schedule == null || !exchange.getRequestMethod().equals("POST")) {
        problem(exchange, 404, "not-found", "no schedule " + path + "; there are " + schedules.keySet());
        return;
      }
      Optional<String> answer = await(exchange, schedule.function(), schedule.fire());
      if (answer.isPresent()) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
        write(exchange, new ApiGatewayEvents.Response(200, Map.of(), body));
      }
    }
  }

  /** The function's answer; or, when it failed, empty with the failure already answered as problem+json. */
  private static Optional<String> await(HttpExchange exchange, LocalFunction function, CompletableFuture<String> answer)
      throws IOException {
    try {
      return Optional.of(answer.get());
    } catch (ExecutionException e) {
      FunctionFailure failure = e.getCause() instanceof FunctionFailure f
          ? f : new FunctionFailure(FunctionFailure.Kind.ERROR, String.valueOf(e.getCause()));
      boolean timedOut = failure.kind() == FunctionFailure.Kind.TIMED_OUT;
      problem(exchange, timedOut ? 504 : 502, timedOut ? "function-timeout" : "function-failed",
          function.name() + ": " + failure.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem(exchange, 503, "stopping", "kaiten-local is stopping");
    }
    return Optional.empty();
  }

  /** The function a request would reach. */
  Optional<LocalFunction> functionFor(String method, String path) {
    return route(method, path).map(match -> match.getKey().function());
  }

  private Optional<Map.Entry<HttpRoute, Map<String, String>>> route(String method, String path) {
    for (HttpRoute route : routes) {
      Optional<Map<String, String>> parameters = route.match(method, path);
      if (parameters.isPresent()) {
        return Optional.of(Map.entry(route, parameters.get()));
      }
    }
    return Optional.empty();
  }

  private static void write(HttpExchange exchange, ApiGatewayEvents.Response response) throws IOException {
    response.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")) {
        values.forEach(value -> exchange.getResponseHeaders().add(name, value));
      }
    });
    boolean noBody = response.body().length == 0 || response.status() == 204 || response.status() == 304;
    exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  static void problem(HttpExchange exchange, int status, String type, String detail) throws IOException {
    problem(exchange, status, type, detail, null);
  }

  /** @param field the header or part of the request at fault, or null */
  static void problem(HttpExchange exchange, int status, String type, String detail, String field) throws IOException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("type", "https://kaiten.sh/problems/" + type);
    body.put("title", type.replace('-', ' '));
    body.put("status", status);
    body.put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    write(exchange, new ApiGatewayEvents.Response(status, Map.of(), body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
