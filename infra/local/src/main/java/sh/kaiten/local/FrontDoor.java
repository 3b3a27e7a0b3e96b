package sh.kaiten.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    server.createContext("/", this::handle);
    server.createContext(SCHEDULES, this::handleSchedule);
    server.setExecutor(threads);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
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
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("type", "https://kaiten.sh/problems/" + type);
    body.put("title", type.replace('-', ' '));
    body.put("status", status);
    body.put("detail", detail);
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    write(exchange, new ApiGatewayEvents.Response(status, Map.of(), body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
