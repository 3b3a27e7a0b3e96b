package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * API Gateway HTTP API payload format 2.0: requests built as API Gateway builds them, responses
 * read back.
 */
final class ApiGatewayEvents {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private ApiGatewayEvents() {}

  /** A request as the HTTP API hands it to a function. */
  record Request(
      String method, URI uri, Map<String, List<String>> headers, byte[] body, String sourceIp) {}

  /** A function's answer as the HTTP API returns it. */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {}

  static String request(HttpRoute route, Map<String, String> pathParameters, Request request) {
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "2.0");
    event.put("routeKey", route.routeKey());
    event.put("rawPath", request.uri().getRawPath());
    event.put(
        "rawQueryString", request.uri().getRawQuery() == null ? "" : request.uri().getRawQuery());
    ObjectNode headers = event.putObject("headers");
    List<String> cookies = new ArrayList<>();
    request
        .headers()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (lower.equals("cookie")) {
                values.forEach(v -> List.of(v.split(";\\s*")).forEach(cookies::add));
              } else {
                headers.put(lower, String.join(",", values));
              }
            });
    if (!cookies.isEmpty()) {
      cookies.forEach(event.putArray("cookies")::add);
    }
    Map<String, String> query = query(request.uri().getRawQuery());
    if (!query.isEmpty()) {
      ObjectNode parameters = event.putObject("queryStringParameters");
      query.forEach(parameters::put);
    }
    if (!pathParameters.isEmpty()) {
      ObjectNode parameters = event.putObject("pathParameters");
      pathParameters.forEach(parameters::put);
    }
    Instant now = Instant.now();
    ObjectNode context = event.putObject("requestContext");
    context.put("accountId", "000000000000");
    context.put("apiId", "local");
    context.put("domainName", request.headers().getOrDefault("Host", List.of("localhost")).get(0));
    context.put("domainPrefix", "local");
    ObjectNode http = context.putObject("http");
    http.put("method", request.method());
    http.put("path", request.uri().getRawPath());
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", request.sourceIp());
    http.put("userAgent", request.headers().getOrDefault("User-agent", List.of("")).get(0));
    context.put("requestId", UUID.randomUUID().toString());
    context.put("routeKey", route.routeKey());
    context.put("stage", "$default");
    context.put("time", TIME.format(now));
    context.put("timeEpoch", now.toEpochMilli());
    if (request.body().length > 0) {
      // Bytes that are not UTF-8 go as they came (base64), so the function's parser sees them and
      // refuses them.
      boolean text = isText(headers.path("content-type").asText("")) && isUtf8(request.body());
      event.put(
          "body",
          text
              ? new String(request.body(), StandardCharsets.UTF_8)
              : Base64.getEncoder().encodeToString(request.body()));
      event.put("isBase64Encoded", !text);
    } else {
      event.put("isBase64Encoded", false);
    }
    return event.toString();
  }

  static Response response(String payload) {
    JsonNode answer;
    try {
      answer = JSON.readTree(payload);
    } catch (Exception notJson) {
      answer = null;
    }
    if (answer == null || !answer.isObject() || !answer.has("statusCode")) {
      // API Gateway's rule for a bare answer: 200, the payload as a JSON body.
      return new Response(
          200,
          Map.of("Content-Type", List.of("application/json")),
          payload.getBytes(StandardCharsets.UTF_8));
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    answer
        .path("headers")
        .fields()
        .forEachRemaining(
            h -> headers.put(h.getKey(), new ArrayList<>(List.of(h.getValue().asText()))));
    answer
        .path("multiValueHeaders")
        .fields()
        .forEachRemaining(
            h -> {
              List<String> values = new ArrayList<>();
              h.getValue().forEach(v -> values.add(v.asText()));
              headers.put(h.getKey(), values);
            });
    List<String> cookies = new ArrayList<>();
    answer.path("cookies").forEach(c -> cookies.add(c.asText()));
    if (!cookies.isEmpty()) {
      headers.put("Set-Cookie", cookies);
    }
    String body = answer.path("body").isNull() ? "" : answer.path("body").asText("");
    byte[] bytes =
        answer.path("isBase64Encoded").asBoolean(false)
            ? Base64.getDecoder().decode(body)
            : body.getBytes(StandardCharsets.UTF_8);
    return new Response(answer.get("statusCode").asInt(), headers, bytes);
  }

  private static boolean isUtf8(byte[] body) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isText(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.isEmpty()
        || type.startsWith("text/")
        || type.contains("json")
        || type.contains("xml")
        || type.contains("x-www-form-urlencoded")
        || type.contains("javascript");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      parameters.merge(name, value, (a, b) -> a + "," + b);
    }
    return parameters;
  }
}
