package sh.kaiten.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The AWS Lambda Runtime API (2018-06-01) for one function, on loopback: the function process
 * long-polls {@code next}, then posts the response or error of each invocation.
 */
final class RuntimeApi implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  private final String functionArn;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "runtime-api");
    thread.setDaemon(true);
    return thread;
  });
  /** How long an event may wait for a process to take it (a cold start, a restart after a crash). */
  static final Duration PICKUP_LIMIT = Duration.ofSeconds(60);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "runtime-api-timer");
    thread.setDaemon(true);
    return thread;
  });
  private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
  private final Consumer<String> log;
  private volatile String initError;

  /** @param log where kaiten-local notes each handover, beside the function's own output */
  RuntimeApi(String functionArn, Consumer<String> log) throws IOException {
    this.functionArn = functionArn;
    this.log = log;
    this.server = LoopbackHttp.create(0, 0, threads);
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API} for the function process. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Queues an event for the function. The answer fails with TIMED_OUT when the function runs past
   * {@code timeout} once it has the event, or when no process takes the event within {@link #PICKUP_LIMIT}.
   */
  CompletableFuture<String> invoke(String payload, Duration timeout) {
    Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload, timeout, new CompletableFuture<>());
    pending.add(invocation);
    timer.schedule(() -> {
      if (pending.remove(invocation)) {
        invocation.result().completeExceptionally(new FunctionFailure(FunctionFailure.Kind.TIMED_OUT,
            "no function process took the event within " + PICKUP_LIMIT.toSeconds() + " s"));
      }
    }, PICKUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    return invocation.result().whenComplete((result, error) -> inFlight.remove(invocation.requestId()));
  }

  /**
   * The function process died: what it was working on, and what waited for it to start, fails now
   * rather than at its timeout. The next invocation starts a new process.
   */
  void processGone(String why) {
    List<Invocation> lost = new ArrayList<>(inFlight.values());
    inFlight.clear();
    pending.drainTo(lost);
    lost.forEach(invocation ->
        invocation.result().completeExceptionally(new FunctionFailure(FunctionFailure.Kind.CRASHED, why)));
  }

  String initError() {
    return initError;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
        next(exchange);
      } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
        complete(exchange, path, body, false);
      } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
        complete(exchange, path, body, true);
      } else if (path.equals("init/error")) {
        initError = body;
        respond(exchange, 202, "{}");
      } else {
        respond(exchange, 404, "{\"errorMessage\":\"unknown runtime API path\"}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    }
  }

  private void next(HttpExchange exchange) throws IOException, InterruptedException {
    Invocation invocation;
    do {
      invocation = pending.take();
    } while (invocation.result().isDone()); // gave up on while queued
    inFlight.put(invocation.requestId(), invocation);
    long deadline = System.currentTimeMillis() + invocation.timeout().toMillis();
    Invocation taken = invocation;
    timer.schedule(() -> taken.result().completeExceptionally(new FunctionFailure(FunctionFailure.Kind.TIMED_OUT,
        "the function did not answer within " + taken.timeout().toSeconds() + " s")),
        invocation.timeout().toMillis(), TimeUnit.MILLISECONDS);
    log.accept("[kaiten-local] invocation " + invocation.requestId() + " handed to the function");
    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
    exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
    exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-" + invocation.requestId());
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    respond(exchange, 200, invocation.payload());
  }

  private void complete(HttpExchange exchange, String path, String body, boolean error) throws IOException {
    String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
    Invocation invocation = inFlight.remove(requestId);
    if (invocation == null) {
      respond(exchange, 400, "{\"errorMessage\":\"unknown request id\"}");
      return;
    }
    if (error) {
      invocation.result().completeExceptionally(new FunctionFailure(FunctionFailure.Kind.ERROR, body));
    } else {
      invocation.result().complete(body);
    }
    respond(exchange, 202, "{\"status\":\"OK\"}");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    timer.shutdownNow();
    processGone("kaiten-local is stopping");
  }
}
