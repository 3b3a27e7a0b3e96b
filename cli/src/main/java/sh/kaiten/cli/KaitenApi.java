package sh.kaiten.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The admin API's catalog routes, over HTTP with an admin token. */
final class KaitenApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final String token;

  KaitenApi(String baseUrl, String token) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new Failure("no API URL: give --url or set KAITEN_URL");
    }
    if (token == null || token.isBlank()) {
      throw new Failure("no admin token: give --token or set KAITEN_TOKEN");
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  JsonNode export() {
    return send("GET", "/api/catalog", null);
  }

  JsonNode plan(JsonNode catalog) {
    return send("POST", "/api/catalog/plan", catalog);
  }

  JsonNode apply(JsonNode catalog, String planHash) {
    return send(
        "POST",
        "/api/catalog/apply?plan_hash=" + URLEncoder.encode(planHash, StandardCharsets.UTF_8),
        catalog);
  }

  /** The tenant's webhook endpoints (ids and settings, never secrets), every page. */
  List<JsonNode> webhooks() {
    List<JsonNode> endpoints = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          send(
              "GET",
              "/api/webhooks?limit=200"
                  + (cursor == null
                      ? ""
                      : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
              null);
      page.path("items").forEach(endpoints::add);
      cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
    } while (cursor != null);
    return endpoints;
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure("cannot reach " + baseUrl + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Failure(
          method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + ", not JSON: "
              + e.getMessage());
    }
    if (response.statusCode() / 100 != 2) {
      String field = answer.path("field").asText(null);
      throw new Failure(
          answer.path("detail").asText("HTTP " + response.statusCode())
              + (field == null || answer.path("detail").asText("").startsWith(field)
                  ? ""
                  : " (at " + field + ")")
              + " [HTTP "
              + response.statusCode()
              + "]");
    }
    return answer;
  }

  /** A request that failed, said the way the CLI prints it. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }
}
