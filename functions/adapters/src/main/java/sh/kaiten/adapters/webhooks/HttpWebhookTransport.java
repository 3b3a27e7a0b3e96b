package sh.kaiten.adapters.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.WebhookTransport;

/**
 * One delivery attempt with the JDK's {@link HttpURLConnection} (native-image ready, no extra
 * library): the target checked by {@link WebhookTargets} first (a refused one fails without a
 * request), connected to the checked address, bounded connect and read timeouts, no proxy,
 * redirects not followed (a 3xx is a failure), and only a 2xx counts as delivered.
 */
public final class HttpWebhookTransport implements WebhookTransport {
  /**
   * What is read of an answer's body before the connection is closed: receivers should answer
   * short.
   */
  private static final int MAX_ANSWER_BYTES = 64 * 1024;

  private static final String USER_AGENT = "Kaiten-Webhooks/1";

  private final WebhookTargets targets;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  public HttpWebhookTransport(
      WebhookTargets targets, Duration connectTimeout, Duration readTimeout) {
    this.targets = targets;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public AttemptResult post(
      String url, String webhookId, Instant timestamp, String payload, List<String> secrets) {
    long start = System.nanoTime();
    WebhookTargets.Target target;
    try {
      target = targets.target(url);
    } catch (InvalidInputException e) {
      return new AttemptResult(null, 0, "not sent: " + e.getMessage());
    }
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) target.uri().toURL().openConnection(Proxy.NO_PROXY);
      if (connection instanceof HttpsURLConnection https && target.address() != null) {
        https.setSSLSocketFactory(
            new PinnedSocketFactory(
                (SSLSocketFactory) SSLSocketFactory.getDefault(), target.address()));
      }
      byte[] body = payload.getBytes(StandardCharsets.UTF_8);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setConnectTimeout((int) connectTimeout.toMillis());
      connection.setReadTimeout((int) readTimeout.toMillis());
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(body.length);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setRequestProperty("User-Agent", USER_AGENT);
      connection.setRequestProperty("webhook-id", webhookId);
      connection.setRequestProperty("webhook-timestamp", Long.toString(timestamp.getEpochSecond()));
      connection.setRequestProperty(
          "webhook-signature",
          WebhookSigner.signature(webhookId, timestamp.getEpochSecond(), payload, secrets));
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
      int status = connection.getResponseCode();
      drain(status < 400 ? connection.getInputStream() : connection.getErrorStream());
      long latency = elapsedMs(start);
      if (status >= 200 && status < 300) {
        return new AttemptResult(status, latency, null);
      }
      return new AttemptResult(
          status,
          latency,
          status >= 300 && status < 400
              ? "answered " + status + ": redirects are not followed"
              : "answered " + status);
    } catch (IOException | RuntimeException e) {
      return new AttemptResult(
          null, elapsedMs(start), e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  private static void drain(InputStream answer) throws IOException {
    if (answer == null) {
      return;
    }
    try (answer) {
      answer.readNBytes(MAX_ANSWER_BYTES);
    }
  }

  private static long elapsedMs(long start) {
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
