package sh.kaiten.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The AWS Lambda Runtime API (2018-06-01) for one execution environment of a function, on loopback:
 * its process long-polls {@code next} (events come from the function's shared {@link Invocations}),
 * then posts the response or error of each invocation.
 */
final class RuntimeApi implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  private final String functionArn;
  private final String environment;
  private final Invocations invocations;
  private final HttpServer server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "runtime-api");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Held> inFlight = new ConcurrentHashMap<>();
  private final Consumer<String> log;
  private volatile String initError;
  private volatile boolean closed;

  /** An invocation the function took, and when it took it (for its REPORT line). */
  private record Held(Invocation invocation, long takenAtNanos) {}

  /**
   * @param environment the environment's name in kaiten-local's notes
   * @param log where kaiten-local notes each handover, beside the function's own output
   */
  RuntimeApi(String functionArn, String environment, Invocations invocations, Consumer<String> log)
      throws IOException {
    this.functionArn = functionArn;
    this.environment = environment;
    this.invocations = invocations;
    this.log = log;
    this.server = LoopbackHttp.create(0, 0, threads);
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API} for the function process. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many invocations this environment holds and has not answered. */
  int held() {
    return inFlight.size();
  }

  /**
   * The environment's process died: what it was working on fails now rather than at its timeout.
   */
  void processGone(String why) {
    List<Held> lost = new ArrayList<>(inFlight.values());
    inFlight.clear();
    lost.forEach(
        held ->
            held.invocation()
                .result()
                .completeExceptionally(new FunctionFailure(FunctionFailure.Kind.CRASHED, why)));
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
    Invocation invocation = invocations.take();
    inFlight.put(invocation.requestId(), new Held(invocation, System.nanoTime()));
    invocation
        .result()
        .whenComplete(
            (answer, failure) -> {
              inFlight.remove(invocation.requestId());
              if (failure instanceof FunctionFailure timeout
                  && timeout.kind() == FunctionFailure.Kind.TIMED_OUT) {
                log.accept(
                    "[kaiten-local] invocation "
                        + invocation.requestId()
                        + " timed out ("
                        + environment
                        + "): "
                        + timeout.getMessage());
              }
            });
    if (closed) { // the process died while this was being taken
      processGone("the function process is gone");
      return;
    }
    long deadline = System.currentTimeMillis() + invocation.timeout().toMillis();
    invocations.timeOut(invocation);
    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
    exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
    exchange
        .getResponseHeaders()
        .add("Lambda-Runtime-Trace-Id", "Root=1-" + invocation.requestId());
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    respond(exchange, 200, invocation.payload());
    // noted once the function has the event: the file write is not on its way there
    log.accept(
        "[kaiten-local] invocation "
            + invocation.requestId()
            + " handed to the function ("
            + environment
            + ")");
  }

  private void complete(HttpExchange exchange, String path, String body, boolean error)
      throws IOException {
    String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
    Held held = inFlight.remove(requestId);
    if (held == null) {
      respond(exchange, 400, "{\"errorMessage\":\"unknown request id\"}");
      return;
    }
    long nanos = System.nanoTime() - held.takenAtNanos();
    Invocation invocation = held.invocation();
    if (error) {
      invocation
          .result()
          .completeExceptionally(new FunctionFailure(FunctionFailure.Kind.ERROR, body));
    } else {
      invocation.result().complete(body);
    }
    respond(exchange, 202, "{\"status\":\"OK\"}");
    log.accept(report(requestId, nanos));
  }

  /**
   * The line Lambda writes after each invocation, with its duration: from the moment the function
   * took the event to the moment it posted the answer. What a request through the front door took
   * beyond it is kaiten-local's (and the runtime client's) share.
   */
  private String report(String requestId, long nanos) {
    return String.format(
        Locale.ROOT,
        "[kaiten-local] REPORT RequestId: %s Duration: %.2f ms (%s)",
        requestId,
        nanos / 1e6,
        environment);
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
    close("kaiten-local is stopping");
  }

  /** Stops serving: an event taken from now on, or held, fails with {@code why}. */
  void close(String why) {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
    processGone(why);
  }
}
