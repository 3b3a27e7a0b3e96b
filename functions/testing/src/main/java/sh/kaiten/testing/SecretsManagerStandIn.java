package sh.kaiten.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import sh.kaiten.local.aws.ProvisionedResources;

/**
 * Secrets Manager's GetSecretValue on loopback, answering the template's secrets as provisioned
 * locally (by their ARN or logical id), so a function's tests can read its secrets the way it does
 * on AWS.
 */
public final class SecretsManagerStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ProvisionedResources resources;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  private SecretsManagerStandIn(HttpServer server, ProvisionedResources resources) {
    this.server = server;
    this.resources = resources;
  }

  public static SecretsManagerStandIn start(ProvisionedResources resources) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      SecretsManagerStandIn standIn = new SecretsManagerStandIn(server, resources);
      server.createContext("/", standIn::answer);
      server.start();
      return standIn;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Secrets Manager stand-in", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The secret ids asked for so far, in order. */
  public List<String> asked() {
    return List.copyOf(asked);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      String id = request.path("SecretId").asText();
      if (!"secretsmanager.GetSecretValue".equals(target)) {
        send(
            exchange,
            400,
            Map.of(
                "__type",
                "InvalidRequestException",
                "message",
                "the stand-in answers GetSecretValue only"));
        return;
      }
      asked.add(id);
      String logicalId =
          id.contains(":secret:") ? id.substring(id.indexOf(":secret:") + ":secret:".length()) : id;
      String value;
      try {
        value = resources.secretValue(logicalId);
      } catch (IllegalArgumentException unknown) {
        send(
            exchange,
            400,
            Map.of("__type", "ResourceNotFoundException", "message", "no secret " + id));
        return;
      }
      send(
          exchange,
          200,
          Map.of(
              "ARN",
              resources.ref(logicalId),
              "Name",
              logicalId,
              "SecretString",
              value,
              "VersionId",
              "v1"));
    }
  }

  private static void send(HttpExchange exchange, int status, Map<String, String> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
