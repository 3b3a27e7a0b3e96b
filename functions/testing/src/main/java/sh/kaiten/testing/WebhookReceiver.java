package sh.kaiten.testing;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on 127.0.0.1 (a free port) for the tests. It verifies every request with the
 * Standard Webhooks reference library ({@link Webhook#verify}) against each secret it is told, as a
 * real receiver would; a request that fails verification is answered 400 and kept apart. Otherwise
 * it answers as its script says for the n-th request: a status, or {@link #NEVER} to hold the
 * request open until the receiver is closed.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** The script's answer for "do not answer at all". */
  public static final int NEVER = 0;

  /**
   * One request as it arrived.
   *
   * @param signature the raw {@code webhook-signature} header: exactly one value, as sent
   * @param signatureValues how many values the header arrived as (1 unless something split it)
   */
  public record Arrival(
      String webhookId,
      String timestamp,
      String signature,
      int signatureValues,
      String body,
      int answer) {
    public boolean delivered() {
      return answer >= 200 && answer < 300;
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  private final List<String> unverified = new CopyOnWriteArrayList<>();
  private volatile List<String> secrets = List.of();
  private volatile IntUnaryOperator script = n -> 204;

  private WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::receive);
    server.setExecutor(threads);
    server.start();
  }

  public static WebhookReceiver start() {
    try {
      return new WebhookReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every request must verify with each of these (the endpoint's current secret, and a rotated-out
   * one in its grace).
   */
  public WebhookReceiver verifyingWith(String... secrets) {
    this.secrets = List.of(secrets);
    return this;
  }

  /**
   * @param byRequest the status for the n-th request (from 1), or {@link #NEVER}
   */
  public WebhookReceiver answering(IntUnaryOperator byRequest) {
    this.script = byRequest;
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Every verified request, answered or not, in order of arrival. */
  public List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  public List<Arrival> delivered() {
    return arrivals.stream().filter(Arrival::delivered).toList();
  }

  /** Requests that failed verification, with the reason: must stay empty. */
  public List<String> unverified() {
    return List.copyOf(unverified);
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> headers = exchange.getRequestHeaders();
      if (secrets.isEmpty()) {
        unverified.add("no secret to verify with");
      }
      for (String secret : secrets) {
        try {
          new Webhook(secret).verify(body, headers);
        } catch (WebhookVerificationException e) {
          unverified.add(e.getMessage() + ": " + headers.get("webhook-signature"));
          exchange.sendResponseHeaders(400, -1);
          return;
        }
      }
      int answer = script.applyAsInt(requests.incrementAndGet());
      List<String> signature =
          exchange.getRequestHeaders().getOrDefault("webhook-signature", List.of());
      arrivals.add(
          new Arrival(
              exchange.getRequestHeaders().getFirst("webhook-id"),
              exchange.getRequestHeaders().getFirst("webhook-timestamp"),
              signature.isEmpty() ? null : signature.get(0),
              signature.size(),
              body,
              answer));
      if (answer == NEVER) {
        awaitClose();
        return;
      }
      if (answer >= 300 && answer < 400) {
        exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + port() + "/moved");
      }
      exchange.sendResponseHeaders(answer, -1);
    }
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
