package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook endpoint of the running stack's tenant, received on 127.0.0.1: it subscribes through
 * the API, verifies every delivery with the Standard Webhooks library and keeps the events that
 * arrived.
 */
final class WebhookInbox implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final List<String> webhookIds = new CopyOnWriteArrayList<>();
  private final List<String> unverified = new CopyOnWriteArrayList<>();
  private volatile Webhook verifier;
  private String id;

  private WebhookInbox() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::receive);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** Starts a receiver and subscribes it to {@code eventTypes} with the stack's admin token. */
  static WebhookInbox subscribe(RunningKaitenLocal local, String adminToken, String... eventTypes)
      throws Exception {
    WebhookInbox inbox = new WebhookInbox();
    JsonNode created =
        local.json(
            local.send(
                "POST",
                "/api/webhooks",
                adminToken,
                JSON.createObjectNode()
                    .put(
                        "url", "http://127.0.0.1:" + inbox.server.getAddress().getPort() + "/hooks")
                    .set("event_types", JSON.valueToTree(List.of(eventTypes)))
                    .toString()));
    inbox.verifier = new Webhook(created.path("secret").asText());
    inbox.id = created.path("id").asText();
    return inbox;
  }

  String id() {
    return id;
  }

  /** The events delivered, as {"id","type","created_at","data"}, in order of arrival. */
  List<JsonNode> events() {
    return List.copyOf(events);
  }

  List<String> webhookIds() {
    return List.copyOf(webhookIds);
  }

  /** Deliveries whose signature did not verify: must stay empty. */
  List<String> unverified() {
    return List.copyOf(unverified);
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      try {
        verifier.verify(body, exchange.getRequestHeaders());
      } catch (WebhookVerificationException | RuntimeException e) {
        unverified.add(e.getMessage());
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      events.add(JSON.readTree(body));
      webhookIds.add(exchange.getRequestHeaders().getFirst("webhook-id"));
      exchange.sendResponseHeaders(204, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
