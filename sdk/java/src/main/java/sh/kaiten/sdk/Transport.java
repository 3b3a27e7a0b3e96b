package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The client's one HTTP connection to Kaiten: base URL, bearer token, timeouts, JSON. */
final class Transport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String USER_AGENT = "kaiten-java/" + version();

  private final HttpClient http;
  private final URI baseUrl;
  private final String authorization;
  private final Duration timeout;

  Transport(URI baseUrl, String token, Duration connectTimeout, Duration timeout) {
    String base = baseUrl.toString();
    this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
    this.authorization = "Bearer " + token;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * A request to {@code path} (relative to the base URL, no leading slash) with the token and the
   * SDK's headers.
   */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(baseUrl.resolve(path))
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("User-Agent", USER_AGENT)
        .header("Accept", "application/json");
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String version() {
    String version = Transport.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
