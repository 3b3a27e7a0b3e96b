package sh.kaiten.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Secrets Manager on loopback: GetSecretValue answers the template's secrets as provisioned locally
 * (by their ARN or logical id), so a function's tests read its secrets the way it does on AWS; and
 * the secrets functions make at run time (a tenant's Stripe connector key) are created, replaced,
 * read and deleted (CreateSecret, PutSecretValue, GetSecretValue, DeleteSecret), in memory.
 */
public final class LocalSecretsManager implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ProvisionedResources resources;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final Map<String, String> made = new ConcurrentHashMap<>();

  private LocalSecretsManager(HttpServer server, ProvisionedResources resources) {
    this.server = server;
    this.resources = resources;
  }

  public static LocalSecretsManager start(ProvisionedResources resources) {
    try {
      HttpServer server = LoopbackServers.create(0, 0);
      LocalSecretsManager standIn = new LocalSecretsManager(server, resources);
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
      String id = request.path("SecretId").asText(request.path("Name").asText());
      String name =
          id.contains(":secret:") ? id.substring(id.indexOf(":secret:") + ":secret:".length()) : id;
      switch (target == null ? "" : target) {
        case "secretsmanager.GetSecretValue" -> {
          asked.add(id);
          getSecretValue(exchange, name);
        }
        case "secretsmanager.CreateSecret" -> {
          if (made.putIfAbsent(name, request.path("SecretString").asText()) != null) {
            notFound(exchange, "ResourceExistsException", "the secret " + name + " exists");
            return;
          }
          send(exchange, 200, Map.of("ARN", arn(name), "Name", name, "VersionId", "v1"));
        }
        case "secretsmanager.PutSecretValue" -> {
          if (made.replace(name, request.path("SecretString").asText()) == null) {
            notFound(exchange, "ResourceNotFoundException", "no secret " + name);
            return;
          }
          send(exchange, 200, Map.of("ARN", arn(name), "Name", name, "VersionId", "v2"));
        }
        case "secretsmanager.DeleteSecret" -> {
          if (made.remove(name) == null) {
            notFound(exchange, "ResourceNotFoundException", "no secret " + name);
            return;
          }
          send(exchange, 200, Map.of("ARN", arn(name), "Name", name));
        }
        default ->
            send(
                exchange,
                400,
                Map.of(
                    "__type",
                    "InvalidRequestException",
                    "message",
                    "the stand-in answers GetSecretValue, CreateSecret, PutSecretValue and"
                        + " DeleteSecret only"));
      }
    }
  }

  private void getSecretValue(HttpExchange exchange, String name) throws IOException {
    String value = made.get(name);
    String arn = arn(name);
    if (value == null) {
      try {
        value = resources.secretValue(name);
        arn = resources.ref(name);
      } catch (IllegalArgumentException unknown) {
        notFound(exchange, "ResourceNotFoundException", "no secret " + name);
        return;
      }
    }
    send(exchange, 200, Map.of("ARN", arn, "Name", name, "SecretString", value, "VersionId", "v1"));
  }

  private static String arn(String name) {
    return "arn:aws:secretsmanager:"
        + LocalAws.REGION
        + ":"
        + LocalAws.ACCOUNT_ID
        + ":secret:"
        + name;
  }

  private static void notFound(HttpExchange exchange, String type, String message)
      throws IOException {
    send(exchange, 400, Map.of("__type", type, "message", message));
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
