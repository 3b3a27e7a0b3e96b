package sh.kaiten.adapters.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.aws.AwsClients;
import sh.kaiten.adapters.aws.AwsSettings;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The real SDK client against a stand-in for Secrets Manager's JSON API on loopback: each secret is
 * asked for by its id once, whatever the number of reads, and nothing is asked without an id.
 */
class SecretsManagerSecretsTest {
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private SecretsManagerClient client;

  @BeforeEach
  void start() throws IOException {
    System.setProperty("aws.accessKeyId", "test-access");
    System.setProperty("aws.secretAccessKey", "test-secret-access");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String id = body.replaceAll(".*\"SecretId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
          asked.add(target + " " + id);
          byte[] answer =
              ("{\"ARN\":\""
                      + id
                      + "\",\"Name\":\""
                      + id
                      + "\",\"SecretString\":\"value-of-"
                      + id
                      + "\",\"VersionId\":\"v1\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    client =
        AwsClients.secretsManager(
            new AwsSettings("us-east-1", Optional.empty(), Optional.empty()),
            Optional.of(endpoint));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void eachSecretIsReadOnceByItsIdAndKept() {
    SecretsManagerSecrets secrets = new SecretsManagerSecrets(client);
    String arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:kaiten-bootstrap";

    assertThat(secrets.value(Optional.of(arn))).contains("value-of-" + arn);
    assertThat(secrets.value(Optional.of(arn))).contains("value-of-" + arn);
    assertThat(secrets.value(Optional.of("digest-key"))).contains("value-of-digest-key");

    assertThat(asked)
        .containsExactly(
            "secretsmanager.GetSecretValue " + arn, "secretsmanager.GetSecretValue digest-key");
  }

  @Test
  void noIdAsksNothing() {
    SecretsManagerSecrets secrets = new SecretsManagerSecrets(client);

    assertThat(secrets.value(Optional.empty())).isEmpty();
    assertThat(secrets.value(Optional.of(" "))).isEmpty();
    assertThat(asked).isEmpty();
  }
}
