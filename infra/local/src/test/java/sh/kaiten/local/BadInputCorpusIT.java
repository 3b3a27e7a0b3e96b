package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * A generated corpus of bad input over every route family of template.yaml, sent through
 * kaiten-local as a user's client would: every field of every body replaced by values no field
 * takes (numbers past the numeric contract, strings too long or holding NUL, control, bidi-override
 * or lone-surrogate characters, wrong shapes, deep nesting); whole bodies that are not JSON,
 * duplicate keys, trailing tokens, invalid UTF-8, oversized; path ids too long or odd; query
 * parameters out of range; odd headers. Every answer must be a 4xx (no 5xx, no success), as
 * problem+json (OFREP: its own error shape), naming the field where the input was a field; and no
 * item of any table may change.
 *
 * <p>The corpus is the cartesian product of the routes' fields and the bad values, so every pair is
 * tried, plus {@value #RANDOM_PAIRS} random pairs of two bad fields in one body, from a fixed seed
 * (a failure replays exactly).
 */
class BadInputCorpusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RANDOM_PAIRS = 200;
  private static final long SEED = 20261204L;

  /** The fields that hold an instant. */
  private static final Set<String> INSTANTS = Set.of("expires_at", "timestamp", "minute");

  @TempDir Path dir;

  /**
   * A route and a valid body for it, with the fields (JSON pointers) the corpus replaces one by
   * one.
   */
  record Target(String method, String path, Token token, String body, List<String> fields) {}

  enum Token {
    ADMIN,
    INSTANCE,
    BOOTSTRAP
  }

  /** What came back for one bad input. */
  record Answer(int status, String contentType, String body) {}

  private RunningKaitenLocal local;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<Token, String> tokens = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Integer> tried = new TreeMap<>();

  @Test
  void everyBadInputIsRefusedWithAProblemNamingItAndNothingIsWritten() throws Exception {
    try (RunningKaitenLocal started = RunningKaitenLocal.start(dir)) {
      local = started;
      JsonNode state = local.state();
      tokens.put(Token.ADMIN, state.path("admin_token").asText());
      tokens.put(Token.INSTANCE, local.instanceToken());
      tokens.put(Token.BOOTSTRAP, state.path("bootstrap_secret").asText());
      String customer = state.path("demo").path("customer_id").asText();
      String license = state.path("demo").path("license_id").asText();
      String admin = tokens.get(Token.ADMIN);
      // A webhook for an event nothing here fires: no delivery is made, so no retry changes a table
      // meanwhile.
      String webhook =
          local
              .created(
                  local.send(
                      "POST",
                      "/api/webhooks",
                      admin,
                      "{\"url\":\"http://127.0.0.1:9/a\",\"event_types\":[\"usage.period_closed\"]}"))
              .path("id")
              .asText();
      String delivery = "dlv_corpus";
      String tokenId =
          local
              .ok(local.send("GET", "/api/tokens", admin, null))
              .path("tokens")
              .get(0)
              .path("id")
              .asText();
      assertThat(
              local
                  .send(
                      "POST",
                      "/api/instances/acme-prod/usage",
                      tokens.get(Token.INSTANCE),
                      "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
                  .statusCode())
          .isEqualTo(200);

      try (DynamoDbClient dynamo = dynamo(state)) {
        awaitQuiet(dynamo);
        Set<String> before = items(dynamo);

        List<Target> targets = targets(customer, license, webhook);
        for (Target target : targets) {
          for (String field : target.fields()) {
            for (String bad : badValues(field)) {
              String text = replace(target.body(), Map.of(field, bad));
              expectRefused(
                  "field " + field + " of " + target.method() + " " + target.path(),
                  target,
                  text,
                  send(target.method(), target.path(), target.token(), json(text)),
                  fieldName(field));
            }
          }
          for (Map.Entry<String, byte[]> body : badBodies(target.body()).entrySet()) {
            expectRefused(
                body.getKey() + " to " + target.method() + " " + target.path(),
                target,
                body.getKey(),
                send(target.method(), target.path(), target.token(), body.getValue()),
                null);
          }
        }
        Random random = new Random(SEED);
        List<String> values = badValues("");
        for (int i = 0; i < RANDOM_PAIRS; i++) {
          Target target = targets.get(random.nextInt(targets.size()));
          String first = target.fields().get(random.nextInt(target.fields().size()));
          String second = target.fields().get(random.nextInt(target.fields().size()));
          Map<String, String> spoiled = new TreeMap<>();
          spoiled.put(first, values.get(random.nextInt(values.size())));
          if (!first.startsWith(second)
              && !second.startsWith(first)) { // not a field inside the other one
            spoiled.put(second, values.get(random.nextInt(values.size())));
          }
          String text = replace(target.body(), spoiled);
          expectRefused(
              "fields " + first + " and " + second + " of " + target.method() + " " + target.path(),
              target,
              text,
              send(target.method(), target.path(), target.token(), json(text)),
              null);
        }
        for (String[] route : paths(customer, license, webhook, delivery, tokenId)) {
          for (String id : badIds()) {
            String path = route[1].replace("{}", id);
            Target target =
                new Target(route[0], route[1], Token.valueOf(route[2]), null, List.of());
            expectRefused(
                "path id " + abbreviate(id) + " in " + route[0] + " " + route[1],
                target,
                null,
                send(route[0], path, target.token(), route[3] == null ? null : json(route[3])),
                null);
          }
        }
        for (String[] query : badQueries(license, webhook)) {
          Target target = new Target("GET", query[0], Token.valueOf(query[2]), null, List.of());
          String name = query[1].substring(0, query[1].indexOf('='));
          expectRefused(
              "query " + abbreviate(query[1]) + " on " + query[0],
              target,
              null,
              send("GET", query[0] + "?" + query[1], target.token(), null),
              name);
        }
        for (Map.Entry<String, String> headers : badHeaders(admin).entrySet()) {
          expectRefused(
              "headers: " + headers.getKey(),
              new Target("POST", "/api/customers", Token.ADMIN, null, List.of()),
              null,
              raw(headers.getValue()),
              null);
        }

        awaitQuiet(dynamo);
        Set<String> after = items(dynamo);
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(after);
        Set<String> added = new TreeSet<>(after);
        added.removeAll(before);
        int total = tried.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("bad-input corpus: %d inputs (%s)%n", total, tried);
        java.nio.file.Files.write(Path.of("target", "bad-input-corpus-failures.txt"), failures);
        assertThat(failures)
            .as(
                "%d of %d bad inputs were not refused as they should be; the first 60:%n%s",
                failures.size(),
                total,
                failures.stream().limit(60).collect(Collectors.joining("\n")))
            .isEmpty();
        assertThat(added).as("items written by bad input").isEmpty();
        assertThat(gone).as("items changed or deleted by bad input").isEmpty();
        assertThat(total).as("inputs tried").isGreaterThan(1000);
      }
    }
  }

  /** Every route with a body, with a valid body, and the fields the corpus spoils. */
  private static List<Target> targets(String customer, String license, String webhook) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
    return List.of(
        new Target(
            "POST", "/api/tenants", Token.BOOTSTRAP, "{\"name\":\"Corpus\"}", List.of("/name")),
        new Target(
            "POST",
            "/api/entitlements",
            Token.ADMIN,
            "{\"slug\":\"corpus-x\",\"name\":\"X\",\"type\":\"NUMERIC\","
                + "\"enforcement\":\"SOFT\",\"unit\":\"calls\",\"aggregation\":\"SUM\",\"reset\":\"MONTH\","
                + "\"overage_percent\":10}",
            List.of(
                "/slug",
                "/name",
                "/type",
                "/enforcement",
                "/unit",
                "/aggregation",
                "/reset",
                "/overage_percent")),
        new Target(
            "PATCH",
            "/api/entitlements/api-calls",
            Token.ADMIN,
            "{\"name\":\"X\",\"unit\":\"calls\"}",
            List.of("/name", "/unit")),
        new Target(
            "POST",
            "/api/tiers",
            Token.ADMIN,
            "{\"slug\":\"corpus-t\",\"name\":\"T\",\"rank\":5,"
                + "\"entitlements\":{\"api-calls\":10}}",
            List.of("/slug", "/name", "/rank", "/entitlements/api-calls")),
        new Target(
            "PATCH",
            "/api/tiers/pro",
            Token.ADMIN,
            "{\"name\":\"P\",\"entitlements\":{\"api-calls\":5}}",
            List.of("/name", "/entitlements/api-calls")),
        new Target("POST", "/api/customers", Token.ADMIN, "{\"name\":\"C\"}", List.of("/name")),
        new Target(
            "PATCH",
            "/api/customers/" + customer,
            Token.ADMIN,
            "{\"name\":\"C\"}",
            List.of("/name")),
        new Target(
            "POST",
            "/api/licenses",
            Token.ADMIN,
            "{\"customer_id\":\""
                + customer
                + "\",\"tier\":\"pro\","
                + "\"expires_at\":\"2030-01-01T00:00:00Z\",\"overrides\":{\"api-calls\":5}}",
            List.of("/customer_id", "/tier", "/expires_at", "/overrides/api-calls")),
        new Target(
            "PATCH",
            "/api/licenses/" + license,
            Token.ADMIN,
            "{\"tier\":\"free\","
                + "\"expires_at\":\"2030-01-01T00:00:00Z\",\"overrides\":{\"api-calls\":5}}",
            List.of("/tier", "/expires_at", "/overrides/api-calls")),
        new Target(
            "POST",
            "/api/instances",
            Token.ADMIN,
            "{\"id\":\"corpus-i\",\"license_id\":\"" + license + "\"," + "\"name\":\"I\"}",
            List.of("/id", "/license_id", "/name")),
        new Target(
            "PATCH", "/api/instances/acme-prod", Token.ADMIN, "{\"name\":\"I\"}", List.of("/name")),
        new Target(
            "POST",
            "/api/webhooks",
            Token.ADMIN,
            "{\"url\":\"http://127.0.0.1:9/x\",\"description\":\"D\"," + "\"event_types\":[\"*\"]}",
            List.of("/url", "/description", "/event_types/0")),
        new Target(
            "PATCH",
            "/api/webhooks/" + webhook,
            Token.ADMIN,
            "{\"description\":\"D\",\"event_types\":[\"*\"]}",
            List.of("/description", "/event_types/0")),
        new Target(
            "POST",
            "/api/instances/acme-prod/usage",
            Token.INSTANCE,
            "{\"entitlement_slug\":\"api-calls\"," + "\"value\":1,\"timestamp\":\"" + now + "\"}",
            List.of("/entitlement_slug", "/value", "/timestamp")),
        // The second event (and the tallies) spoiled: a batch is checked whole, so the first is not
        // counted either.
        new Target(
            "POST",
            "/api/instances/acme-prod/usage/batch",
            Token.INSTANCE,
            "{\"events\":["
                + "{\"entitlement_slug\":\"api-calls\",\"value\":1},{\"entitlement_slug\":\"api-calls\",\"value\":2,"
                + "\"timestamp\":\""
                + now
                + "\"}],\"checks\":{\"id\":\"chk-corpus\",\"tallies\":[{\"entitlement\":\"sso\","
                + "\"minute\":\""
                + minute
                + "\",\"allowed\":true,\"reason\":\"GRANTED\",\"count\":1}]}}",
            List.of(
                "/events/1/entitlement_slug",
                "/events/1/value",
                "/events/1/timestamp",
                "/checks/id",
                "/checks/tallies/0/minute",
                "/checks/tallies/0/count",
                "/checks/tallies/0/reason")),
        new Target(
            "POST",
            "/ofrep/v1/evaluate/flags/sso",
            Token.INSTANCE,
            "{\"context\":{\"targetingKey\":\"acme-prod\"}}",
            List.of("/context/targetingKey", "/context")),
        new Target(
            "POST",
            "/ofrep/v1/evaluate/flags",
            Token.INSTANCE,
            "{\"context\":{\"targetingKey\":\"acme-prod\"}}",
            List.of("/context/targetingKey", "/context")));
  }

  /**
   * Values no field of the API takes, as JSON text; for an instant also the empty, the blank and
   * the impossible.
   */
  private static List<String> badValues(String field) {
    if (INSTANTS.contains(field.substring(field.lastIndexOf('/') + 1))) {
      List<String> values = new ArrayList<>(badValues(""));
      values.addAll(
          List.of("\"\"", "\" \"", "\"2026-13-45T25:61:00Z\"", "\"+999999999-12-31T23:59:59Z\""));
      return values;
    }
    return List.of(
        "\"" + "a".repeat(10_000) + "\"",
        "\"a\\u0000b\"",
        "\"a\\u0007b\"",
        "\"\\ud800\"",
        "\"\\u202eevil\"",
        "1e-1000000000",
        "1e400",
        "-1e400",
        "1e-40",
        "1.7976931348623157e309",
        "123456789012345678901234567890123456789012",
        "[".repeat(2000) + "]".repeat(2000),
        "{\"zz_unknown\":1}");
  }

  /** Bodies that are not the JSON object the route takes, by what is wrong with them. */
  private static Map<String, byte[]> badBodies(String valid) {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("truncated JSON", json(valid.substring(0, valid.length() - 1)));
    bodies.put("an array", json("[" + valid + "]"));
    bodies.put("a string", json("\"x\""));
    bodies.put("null", json("null"));
    bodies.put("an empty body", new byte[0]);
    try {
      Map.Entry<String, JsonNode> first = JSON.readTree(valid).fields().next();
      bodies.put(
          "a duplicate key",
          json(
              "{"
                  + JSON.writeValueAsString(first.getKey())
                  + ":"
                  + first.getValue()
                  + ","
                  + valid.substring(1)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    bodies.put("a trailing token", json(valid + " x"));
    bodies.put("nesting 5000 deep", json("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
    byte[] invalidUtf8 = json(valid.replaceFirst(":\"", ":\"\u0001"));
    for (int i = 0; i < invalidUtf8.length; i++) {
      if (invalidUtf8[i] == 1) {
        invalidUtf8[i] = (byte) 0xC3; // a lead byte with no continuation
      }
    }
    bodies.put("invalid UTF-8", invalidUtf8);
    bodies.put("1.1 MB", json("{\"name\":\"" + "a".repeat(1_100_000) + "\"}"));
    return bodies;
  }

  /** Path ids no record has, or may have: route templates with {} for the spoiled id. */
  private static List<String[]> paths(
      String customer, String license, String webhook, String delivery, String tokenId) {
    String rename = "{\"name\":\"x\"}";
    return List.of(
        new String[] {"GET", "/api/customers/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/customers/{}", "ADMIN", rename},
        new String[] {"DELETE", "/api/customers/{}", "ADMIN", null},
        new String[] {"GET", "/api/entitlements/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/entitlements/{}", "ADMIN", rename},
        new String[] {"DELETE", "/api/entitlements/{}", "ADMIN", null},
        new String[] {"GET", "/api/tiers/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/tiers/{}", "ADMIN", rename},
        new String[] {"DELETE", "/api/tiers/{}", "ADMIN", null},
        new String[] {"GET", "/api/licenses/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/licenses/{}", "ADMIN", "{\"tier\":\"free\"}"},
        new String[] {"DELETE", "/api/licenses/{}", "ADMIN", null},
        new String[] {"GET", "/api/licenses/{}/usage/history", "ADMIN", null},
        new String[] {"GET", "/api/instances/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/instances/{}", "ADMIN", rename},
        new String[] {"DELETE", "/api/instances/{}", "ADMIN", null},
        new String[] {"POST", "/api/instances/{}/token", "ADMIN", null},
        new String[] {"GET", "/api/instances/{}/audit", "ADMIN", null},
        new String[] {"GET", "/api/instances/{}/usage/history", "ADMIN", null},
        new String[] {"GET", "/api/instances/{}/entitlements", "INSTANCE", null},
        new String[] {"GET", "/api/instances/{}/entitlements/sso", "INSTANCE", null},
        new String[] {"GET", "/api/instances/acme-prod/entitlements/{}", "INSTANCE", null},
        new String[] {"GET", "/api/instances/acme-prod/entitlements/{}/usage", "INSTANCE", null},
        new String[] {"GET", "/api/instances/{}/usage", "INSTANCE", null},
        new String[] {
          "POST",
          "/api/instances/{}/usage",
          "INSTANCE",
          "{\"entitlement_slug\":\"api-calls\",\"value\":1}"
        },
        new String[] {
          "POST",
          "/api/instances/{}/usage/batch",
          "INSTANCE",
          "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1}]}"
        },
        new String[] {"GET", "/api/instances/{}/snapshot", "INSTANCE", null},
        new String[] {"DELETE", "/api/tokens/{}", "ADMIN", null},
        new String[] {"GET", "/api/webhooks/{}", "ADMIN", null},
        new String[] {"PATCH", "/api/webhooks/{}", "ADMIN", "{\"description\":\"x\"}"},
        new String[] {"DELETE", "/api/webhooks/{}", "ADMIN", null},
        new String[] {"POST", "/api/webhooks/{}/rotate-secret", "ADMIN", null},
        new String[] {"POST", "/api/webhooks/{}/test", "ADMIN", null},
        new String[] {"GET", "/api/webhooks/{}/deliveries", "ADMIN", null},
        new String[] {
          "POST", "/api/webhooks/{}/deliveries/" + delivery + "/redeliver", "ADMIN", null
        },
        new String[] {
          "POST", "/api/webhooks/" + webhook + "/deliveries/{}/redeliver", "ADMIN", null
        },
        new String[] {
          "POST",
          "/ofrep/v1/evaluate/flags/{}",
          "INSTANCE",
          "{\"context\":{\"targetingKey\":\"acme-prod\"}}"
        });
  }

  /**
   * Ids that are too long, hold what no id holds, or walk out of their segment (percent-encoded as
   * sent).
   */
  private static List<String> badIds() {
    return List.of(
        "a".repeat(1_100),
        "a".repeat(10_000),
        "%00",
        "a%00b",
        "%E2%80%AE",
        "%FF",
        "..",
        "%2E%2E",
        "a%2Fb",
        "%20");
  }

  /** {route, query, token}: query parameters out of range or not what they name. */
  private static List<String[]> badQueries(String license, String webhook) {
    List<String[]> queries = new ArrayList<>();
    String far = "%2B999999999-12-31T23:59:59Z";
    String yesterday =
        Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString();
    String tomorrow =
        Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString();
    List<String> paging =
        List.of(
            "limit=-1",
            "limit=0",
            "limit=100000",
            "limit=abc",
            "limit=1e3",
            "limit=99999999999999999999",
            "cursor=zzz",
            "cursor=" + "a".repeat(10_000),
            "cursor=%00");
    for (String list :
        List.of(
            "/api/customers",
            "/api/entitlements",
            "/api/tiers",
            "/api/licenses",
            "/api/instances",
            "/api/webhooks",
            "/api/webhooks/" + webhook + "/deliveries",
            "/api/audit",
            "/api/instances/acme-prod/audit")) {
      paging.forEach(query -> queries.add(new String[] {list, query, "ADMIN"}));
    }
    for (String audit : List.of("/api/audit", "/api/instances/acme-prod/audit")) {
      for (String query :
          List.of(
              "from=" + far,
              "to=" + far,
              "from=yesterday",
              "type=" + "a".repeat(10_000),
              "entitlement=" + "a".repeat(10_000),
              "entitlement=%00")) {
        queries.add(new String[] {audit, query, "ADMIN"});
      }
    }
    for (String query :
        List.of("from=" + far, "from=yesterday", "from=" + yesterday + "&to=" + far)) {
      queries.add(new String[] {"/api/audit/verify", query, "ADMIN"});
      queries.add(
          new String[] {
            "/api/usage/export", query + (query.contains("to=") ? "" : "&to=" + tomorrow), "ADMIN"
          });
    }
    for (String history :
        List.of(
            "/api/instances/acme-prod/usage/history",
            "/api/licenses/" + license + "/usage/history")) {
      for (String query :
          List.of(
              "from=" + far,
              "to=" + far,
              "from=yesterday",
              "limit=-1",
              "limit=abc",
              "entitlement=" + "a".repeat(10_000),
              "cursor=zzz")) {
        queries.add(new String[] {history, query, "ADMIN"});
      }
    }
    return queries;
  }

  /** Whole requests with odd headers, to POST /api/customers with a valid body, by what is odd. */
  private static Map<String, String> badHeaders(String admin) {
    String body = "{\"name\":\"Headers\"}";
    Map<String, String> requests = new LinkedHashMap<>();
    requests.put(
        "Content-Type !!!",
        request(Map.of("Authorization", "Bearer " + admin, "Content-Type", "!!!"), body));
    requests.put(
        "Content-Type application/xml",
        request(
            Map.of("Authorization", "Bearer " + admin, "Content-Type", "application/xml"), body));
    requests.put(
        "a NUL in Authorization", request(Map.of("Authorization", "Bearer a\u0000b"), body));
    requests.put(
        "an Authorization of 10 KB",
        request(Map.of("Authorization", "Bearer " + "a".repeat(10_000)), body));
    requests.put("no Authorization", request(Map.of(), body));
    Map<String, String> many = new LinkedHashMap<>();
    many.put("Authorization", "Bearer " + admin);
    for (int i = 0; i < 500; i++) {
      many.put("X-Header-" + i, "v");
    }
    requests.put("500 headers", request(many, body));
    return requests;
  }

  private static String request(Map<String, String> headers, String body) {
    StringBuilder text =
        new StringBuilder(
            "POST /api/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return text.append("Content-Length: ")
        .append(bytes.length)
        .append("\r\n\r\n")
        .append(body)
        .toString();
  }

  private void expectRefused(
      String what, Target target, String input, Answer answer, String field) {
    tried.merge(family(target.path()), 1, Integer::sum);
    String seen =
        what
            + (input == null ? "" : " (input " + abbreviate(input) + ")")
            + " → "
            + answer.status()
            + " "
            + abbreviate(answer.body());
    if (answer.status() < 400 || answer.status() >= 500) {
      failures.add(seen);
      return;
    }
    JsonNode problem;
    try {
      problem = JSON.readTree(answer.body());
    } catch (IOException e) {
      failures.add(seen + " (not JSON)");
      return;
    }
    // OFREP names its errors in its own shape; the token and size checks before it answer
    // problem+json.
    if (target.path().startsWith("/ofrep/")
        && (problem.hasNonNull("errorCode")
            || answer.status() == 401
            || answer.status() == 403
            || answer.status() == 413)) {
      return;
    }
    if (answer.contentType() == null
        || !answer.contentType().startsWith("application/problem+json")) {
      failures.add(seen + " (Content-Type " + answer.contentType() + ")");
    } else if (problem.path("status").asInt() != answer.status()
        || problem.path("type").asText().isEmpty()) {
      failures.add(seen + " (not a problem of its status)");
    } else if (field != null
        && (answer.status() == 400 || answer.status() == 422)
        && problem.path("field").asText().isBlank()) {
      failures.add(seen + " (names no field; expected " + field + ")");
    }
  }

  private Answer send(String method, String path, Token token, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(local.baseUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + tokens.get(token))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (IOException e) {
      return new Answer(0, null, "no answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One request written as is on a socket: headers the JDK's client refuses to send. */
  private Answer raw(String request) {
    URI base = URI.create(local.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (response.isEmpty()) {
        return new Answer(0, null, "the connection closed without an answer");
      }
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      String contentType =
          response
              .substring(0, split)
              .lines()
              .filter(line -> line.toLowerCase().startsWith("content-type:"))
              .map(line -> line.substring("content-type:".length()).trim())
              .findFirst()
              .orElse(null);
      String body = response.substring(split + 4);
      if (response.substring(0, split).toLowerCase().contains("transfer-encoding: chunked")) {
        body = unchunk(body);
      }
      return new Answer(status, contentType, body);
    } catch (IOException e) {
      return new Answer(0, null, "no answer: " + e);
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int end = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, end).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, end + 2, end + 2 + size);
      at = end + 2 + size + 2;
    }
  }

  private static DynamoDbClient dynamo(JsonNode state) {
    JsonNode endpoints = state.path("aws_endpoints");
    return DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoints.path("dynamodb").asText()))
        .region(Region.of(endpoints.path("region").asText()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * Every item of every table, as text with its table's name; but the request budgets, which count
   * every request, refused ones too: a flood of bad requests must use a tenant's budget up like any
   * other.
   */
  private static Set<String> items(DynamoDbClient dynamo) {
    Set<String> items = new TreeSet<>();
    for (String table : dynamo.listTables().tableNames()) {
      if (table.contains("RequestBudgets")) {
        continue;
      }
      dynamo
          .scanPaginator(ScanRequest.builder().tableName(table).build())
          .items()
          .forEach(item -> items.add(table + " " + new TreeMap<>(item)));
    }
    return items;
  }

  /**
   * Waits until the stack has settled what the set-up started (the usage report's threshold
   * message, the test delivery's attempt): two scans a moment apart that agree.
   */
  private static void awaitQuiet(DynamoDbClient dynamo) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            new java.util.concurrent.Callable<Boolean>() {
              private Set<String> last = Set.of();

              @Override
              public Boolean call() {
                Set<String> now = items(dynamo);
                boolean same = now.equals(last);
                last = now;
                return same;
              }
            });
  }

  /**
   * The valid body with the values at these JSON pointers replaced by the bad ones, spliced in as
   * text.
   */
  private static String replace(String valid, Map<String, String> spoiled) throws IOException {
    ObjectNode body = (ObjectNode) JSON.readTree(valid);
    Map<String, String> markers = new LinkedHashMap<>();
    spoiled.forEach(
        (pointer, bad) -> {
          int slash = pointer.lastIndexOf('/');
          JsonNode parent = body.at(pointer.substring(0, slash));
          String key = pointer.substring(slash + 1);
          String marker = "__corpus_" + markers.size() + "__";
          if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(key), JSON.getNodeFactory().textNode(marker));
          } else {
            ((ObjectNode) parent).put(key, marker);
          }
          markers.put("\"" + marker + "\"", bad);
        });
    // As text, so that what Jackson would not write (lone surrogates, 1e-1000000000, deep nesting)
    // goes as given.
    String text = JSON.writeValueAsString(body);
    for (Map.Entry<String, String> marker : markers.entrySet()) {
      text = text.replace(marker.getKey(), marker.getValue());
    }
    return text;
  }

  private static String fieldName(String pointer) {
    return pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  private static String family(String path) {
    String[] parts = path.split("/");
    return parts.length > 2 ? parts[1] + "/" + parts[2] : path;
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String text) {
    return text.length() <= 160 ? text : text.substring(0, 150) + "…(" + text.length() + " chars)";
  }
}
