package sh.kaiten.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ConsoleSession;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * The console's pages through the function, on the test deployment's tables: sessions, CSRF,
 * headers, tenants.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleTest {
  private static final Pattern SESSION_COOKIE =
      Pattern.compile(
          "kaiten_console=(kcs_[A-Za-z0-9_-]{43}); Max-Age=28800; Expires=([^;]+); Path=/console; Secure; HttpOnly;"
              + " SameSite=Strict");
  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([A-Za-z0-9_-]{43})\">");
  private static final String CLEARED =
      "kaiten_console=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/console; Secure; HttpOnly; SameSite=Strict";

  @Inject ConsoleSessions sessions;

  private ProductPage tenant;

  @BeforeEach
  void seed() {
    tenant = DeploymentStores.of("ConsoleFunction").productPage();
  }

  private static RequestSpecification browser() {
    return given().redirects().follow(false);
  }

  private static Response signIn(String token) {
    return browser()
        .contentType("application/x-www-form-urlencoded")
        .formParam("token", token)
        .post("/console/sign-in");
  }

  /** The session secret the cookie of a good sign-in holds. */
  private static String session(String token) {
    Response answer = signIn(token);
    assertThat(answer.statusCode()).isEqualTo(303);
    Matcher cookie = SESSION_COOKIE.matcher(answer.header("Set-Cookie"));
    assertThat(cookie.matches()).as(answer.header("Set-Cookie")).isTrue();
    return cookie.group(1);
  }

  private static Response get(String session, String path) {
    return browser().cookie("kaiten_console", session).get(path);
  }

  private static String csrf(String session) {
    Matcher meta = CSRF_META.matcher(get(session, "/console/customers").asString());
    assertThat(meta.find()).isTrue();
    return meta.group(1);
  }

  @Test
  void anAdminTokenOpensASessionWhoseCookieIsHttpOnlySecureStrictAndExpiring() {
    Instant before = Instant.now();
    Response answer = signIn(tenant.adminSecret());

    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.header("Location")).endsWith("/console/customers");
    Matcher cookie = SESSION_COOKIE.matcher(answer.header("Set-Cookie"));
    assertThat(cookie.matches()).as(answer.header("Set-Cookie")).isTrue();
    Instant expires =
        ZonedDateTime.parse(cookie.group(2), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    assertThat(expires)
        .isBetween(
            before.plus(Duration.ofHours(8)).minusSeconds(1),
            Instant.now().plus(Duration.ofHours(8)));

    // Stored by its hash only, for the tenant of the token, with the token's hash.
    ConsoleSession stored = sessions.find(Secrets.hash(cookie.group(1))).orElseThrow();
    assertThat(stored.tenantId()).isEqualTo(tenant.adminToken().tenantId());
    assertThat(stored.tokenHash()).isEqualTo(Secrets.hash(tenant.adminSecret()));
    assertThat(sessions.find(cookie.group(1))).isEmpty();
  }

  @Test
  void everyAnswerCarriesTheStrictPolicyAndThePagesHaveNoInlineScriptOrStyle() {
    String session = session(tenant.adminSecret());
    for (Response answer :
        new Response[] {
          browser().get("/console/sign-in"),
          get(session, "/console/customers"),
          get(session, "/console/instances/" + ProductPage.INSTANCE),
          browser().get("/console/customers")
        }) {
      assertThat(answer.header("Content-Security-Policy"))
          .isEqualTo(
              "default-src 'self'; script-src 'self';"
                  + " style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
                  + " form-action 'self'; frame-ancestors 'none'");
      assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
      String html = answer.asString();
      assertThat(html)
          .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
          .doesNotContain("style=")
          .doesNotContain("<style");
    }
  }

  @Test
  void badTokensGetTheSignInFormAgainAndNoSession() {
    Response unknown = signIn(Secrets.newToken());
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.header("Set-Cookie")).isNull();
    assertThat(unknown.asString())
        .contains("That token is not a valid admin token.")
        .contains("name=\"token\"");

    Response instance = signIn(tenant.instanceSecret());
    assertThat(instance.statusCode()).isEqualTo(403);
    assertThat(instance.header("Set-Cookie")).isNull();
    assertThat(instance.asString())
        .contains("That is an instance token; sign in with an admin token.");

    assertThat(signIn("").statusCode()).isEqualTo(401);
  }

  @Test
  void withoutASessionEveryPageAnswers401WithTheSignInForm() {
    for (String path :
        new String[] {
          "/console/customers",
          "/console/licenses/" + tenant.licenseId(),
          "/console/instances/" + ProductPage.INSTANCE
        }) {
      Response answer = browser().get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(401);
      assertThat(answer.contentType()).isEqualTo("text/html;charset=UTF-8");
      assertThat(answer.asString()).contains("<form method=\"post\" action=\"/console/sign-in\"");
      Response forged = get("kcs_" + "A".repeat(43), path);
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.header("Set-Cookie")).isEqualTo(CLEARED);
    }
    assertThat(browser().get("/console").header("Location")).endsWith("/console/customers");
  }

  @Test
  void theCustomersPageFindsTheCustomerWithItsLicense() {
    String session = session(tenant.adminSecret());
    String page = get(session, "/console/customers").asString();
    assertThat(page)
        .contains("Acme Corp")
        .contains("href=\"/console/licenses/" + tenant.licenseId() + "\">pro · ACTIVE</a>");

    Response found =
        browser()
            .cookie("kaiten_console", session)
            .queryParam("q", "ACME c")
            .get("/console/customers");
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.asString()).contains("Acme Corp").contains("<!DOCTYPE html>");

    Response none =
        browser()
            .cookie("kaiten_console", session)
            .header("HX-Request", "true")
            .queryParam("q", "Globex")
            .get("/console/customers");
    assertThat(none.asString())
        .startsWith("<section id=\"customer-list\"")
        .doesNotContain("<html")
        .contains("No customer matches “Globex”.");

    assertThat(
            browser()
                .cookie("kaiten_console", session)
                .queryParam("q", "x".repeat(101))
                .get("/console/customers")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void theLicensePageShowsTierStatusAndItsInstances() {
    String session = session(tenant.adminSecret());
    Response answer = get(session, "/console/licenses/" + tenant.licenseId());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.asString())
        .contains("<dd id=\"license-tier\">pro</dd>")
        .contains("<dd id=\"license-status\">ACTIVE</dd>")
        .contains("<a href=\"/console/instances/acme-prod\">acme-prod</a>")
        .contains("<a href=\"/console/instances/acme-staging\">acme-staging</a>")
        .contains("None: every entitlement is as the tier gives it.");
  }

  @Test
  void theInstancePageShowsEachEntitlementAndTheQuotaAsAGauge() {
    String session = session(tenant.adminSecret());
    Response answer = get(session, "/console/instances/" + ProductPage.INSTANCE);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.asString())
        .contains(
            "data-entitlement=\"api-calls\"\n           data-used=\"0\" data-limit=\"100000\" data-percentage=\"0.0\""
                + " data-status=\"ACCEPTED\"")
        .contains("<meter id=\"gauge-api-calls-meter\" min=\"0\" max=\"100000\" value=\"0\"")
        .contains("<dd>HARD</dd>")
        .containsPattern(
            "<tr data-entitlement=\"sso\">.*\\n\\s*<td>BOOLEAN</td><td class=\"value\">on</td><td>yes</td><td>TIER</td>")
        .contains("No usage reported yet.");
  }

  @Test
  void theTiersPageShowsTheCatalogAsAMatrix() {
    tenant
        .admin()
        .catalog()
        .createTier(
            tenant.adminToken(),
            new sh.kaiten.domain.admin.TierDraft(
                "starter",
                "Starter",
                1,
                java.util.Map.of(
                    "api-calls",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
                        5000))));
    String session = session(tenant.adminSecret());
    Response answer = get(session, "/console/tiers");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.asString())
        .contains(
            "<th scope=\"col\" data-tier=\"starter\">Starter (rank 1)</th><th scope=\"col\" data-tier=\"pro\">Pro (rank 2)</th>")
        .containsPattern(
            "<tr data-entitlement=\"api-calls\">.*</th><td>NUMERIC</td>\\s*<td>5000</td><td>100000</td></tr>")
        .containsPattern(
            "<tr data-entitlement=\"sso\">.*</th><td>BOOLEAN</td>\\s*<td>—</td><td>on</td></tr>");
  }

  @Test
  void aChangeWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing() {
    String session = session(tenant.adminSecret());
    String csrf = csrf(session);

    Response missing =
        browser()
            .cookie("kaiten_console", session)
            .contentType("application/x-www-form-urlencoded")
            .formParam("other", "x")
            .post("/console/sign-out");
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.header("Set-Cookie")).isNull();
    Response wrong =
        browser()
            .cookie("kaiten_console", session)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf", csrf.substring(1) + "A")
            .post("/console/sign-out");
    assertThat(wrong.statusCode()).isEqualTo(403);
    Response otherSessions =
        browser()
            .cookie("kaiten_console", session)
            .header("X-CSRF-Token", csrf(session(tenant.adminSecret())))
            .post("/console/sign-out");
    assertThat(otherSessions.statusCode()).isEqualTo(403);
    assertThat(get(session, "/console/customers").statusCode()).isEqualTo(200);
    assertThat(sessions.find(Secrets.hash(session))).isPresent();

    Response signOut =
        browser()
            .cookie("kaiten_console", session)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf", csrf)
            .post("/console/sign-out");
    assertThat(signOut.statusCode()).isEqualTo(303);
    assertThat(signOut.header("Location")).endsWith("/console/sign-in");
    assertThat(signOut.header("Set-Cookie")).isEqualTo(CLEARED);
    assertThat(sessions.find(Secrets.hash(session))).isEmpty();
    Response after = get(session, "/console/customers");
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.asString()).contains("Your session has ended. Sign in again.");
  }

  @Test
  void anotherTenantsRecordsAnswer404() {
    ProductPage other = DeploymentStores.of("ConsoleFunction").productPage();
    String session = session(other.adminSecret());
    String customer =
        get(session(tenant.adminSecret()), "/console/licenses/" + tenant.licenseId())
            .asString()
            .replaceAll("(?s).*\\(<code>(cus_[^<]+)</code>\\).*", "$1");

    Response license = get(session, "/console/licenses/" + tenant.licenseId());
    assertThat(license.statusCode()).isEqualTo(404);
    assertThat(license.asString())
        .contains("license &#39;" + tenant.licenseId() + "&#39; does not exist");
    assertThat(get(session, "/console/licenses/" + other.licenseId()).statusCode()).isEqualTo(200);
    assertThat(
            browser()
                .cookie("kaiten_console", session)
                .queryParam("q", customer)
                .get("/console/customers")
                .asString())
        .contains("No customer matches")
        .doesNotContain(customer + "</code>");
    assertThat(get(session, "/console/instances/no-such-instance").statusCode()).isEqualTo(404);
  }

  @Test
  void badIdsAndUnknownPagesGetErrorPagesAndAssetsAreAFixedList() {
    String session = session(tenant.adminSecret());
    Response bad = get(session, "/console/licenses/" + "x".repeat(200));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.contentType()).isEqualTo("text/html;charset=UTF-8");
    assertThat(get(session, "/console/nowhere").statusCode()).isEqualTo(404);

    Response htmx = browser().get("/console/assets/htmx.min.js");
    assertThat(htmx.statusCode()).isEqualTo(200);
    assertThat(htmx.contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(htmx.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(htmx.asString()).contains("htmx");
    assertThat(browser().get("/console/assets/uPlot.iife.min.js").statusCode()).isEqualTo(200);
    assertThat(browser().get("/console/assets/console.js").statusCode()).isEqualTo(200);
    assertThat(browser().get("/console/assets/application.properties").statusCode()).isEqualTo(404);
  }
}
