package sh.kaiten.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A signed-in browser, as the console's tests drive it: its session cookie and CSRF token. */
record ConsoleClient(String session) {
  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([A-Za-z0-9_-]{43})\">");

  /** Signs in with an admin token's secret. */
  static ConsoleClient signIn(String adminSecret) {
    Response answer =
        given()
            .redirects()
            .follow(false)
            .contentType("application/x-www-form-urlencoded")
            .formParam("token", adminSecret)
            .post("/console/sign-in");
    assertThat(answer.statusCode()).isEqualTo(303);
    return new ConsoleClient(
        answer.header("Set-Cookie").replaceAll("^kaiten_console=([^;]+);.*$", "$1"));
  }

  Response get(String path) {
    return get(path, Map.of());
  }

  Response get(String path, Map<String, String> query) {
    return given()
        .redirects()
        .follow(false)
        .cookie("kaiten_console", session)
        .queryParams(query)
        .get(path);
  }

  /** A form posted as the browser posts it (the CSRF token is the caller's to include). */
  Response post(String path, Map<String, String> fields) {
    return given()
        .redirects()
        .follow(false)
        .cookie("kaiten_console", session)
        .contentType("application/x-www-form-urlencoded")
        .formParams(fields)
        .post(path);
  }

  /** The session's CSRF token, as every page carries it for its forms and htmx. */
  String csrf() {
    Matcher meta = CSRF_META.matcher(get("/console/customers").asString());
    assertThat(meta.find()).isTrue();
    return meta.group(1);
  }
}
