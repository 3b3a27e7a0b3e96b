package sh.kaiten.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
  private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
  private volatile String initError;

  RuntimeApi(String functionArn) throws IOException {
    this.functionArn = functionArn;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PREFIX, this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API} for the function process. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  CompletableFuture<String> invoke(String payload, Duration timeout) {
    Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload,
        System.currentTimeMillis() + timeout.toMillis(), new CompletableFuture<>());
    pending.add(invocation);
    return invocation.result()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(isTimeout(e)
            ? new FunctionFailure(FunctionFailure.Kind.TIMED_OUT, "the function did not answer within " + timeout)
            : e))
        .whenComplete((result, error) -> inFlight.remove(invocation.requestId()));
  }

  private static boolean isTimeout(Throwable e) {
    return e instanceof TimeoutException || e.getCause() instanceof TimeoutException;
  }

  /** The function process died: whatever it was working on fails now, not at its timeout. */
  void failInFlight(String why) {
    inFlight.values().forEach(invocation ->
        invocation.result().completeExceptionally(new FunctionFailure(FunctionFailure.Kind.CRASHED, why)));
    inFlight.clear();
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
    } while (invocation.result().isDone()); // timed out while queued
    inFlight.put(invocation.requestId(), invocation);
    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs()));
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
    pending.forEach(i -> i.result().completeExceptionally(
        new FunctionFailure(FunctionFailure.Kind.CRASHED, "kaiten-local is stopping")));
    failInFlight("kaiten-local is stopping");
  }
}
