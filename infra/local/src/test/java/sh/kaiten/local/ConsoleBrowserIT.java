package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The vendor console in a real browser: Debian's headless chromium, driven by Selenium through its
 * chromedriver, against kaiten-local --demo. Takes the screenshots docs/console/ shows (written
 * there with {@code -Dconsole.screenshots=update}).
 */
class ConsoleBrowserIT {
  /**
   * Where the screenshots go: target/console-screenshots, or docs/console (the README's) with
   * {@code -Dconsole.screenshots=update}, so a test run leaves the tracked files alone.
   */
  private static final Path SCREENSHOTS =
      RunningKaitenLocal.ROOT.resolve(
          "update".equals(System.getProperty("console.screenshots"))
              ? "docs/console"
              : "infra/local/target/console-screenshots");

  @TempDir static Path dir;

  /**
   * One stack for the class (its start is most of a test's time); each test has a browser of its
   * own.
   */
  private static RunningKaitenLocal local;

  private ChromeDriver browser;
  private WebDriverWait wait;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() throws IOException {
    // A webhook delivery gives up after two attempts a second apart, not after half an hour.
    local =
        RunningKaitenLocal.start(
            dir.resolve("local"), Map.of("KAITEN_WEBHOOKS_RETRY_DELAYS", "PT1S"), "--in-memory");
  }

  @AfterAll
  static void stopStack() throws InterruptedException {
    if (local != null) {
      local.close();
    }
  }

  @BeforeEach
  void startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("chromium"));
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(executable("chromedriver")))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  /** Debian installs chromium and chromedriver on the PATH (.ci/run installs them when missing). */
  private static String executable(String name) {
    for (String folder : System.getenv("PATH").split(File.pathSeparator)) {
      Path candidate = Path.of(folder, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(
        name + " is not on the PATH: apt-get install chromium chromium-driver");
  }

  private void open(String path) {
    browser.get(local.baseUrl() + path);
  }

  private void signIn(String token) {
    open("/console/sign-in");
    WebElement field = browser.findElement(By.cssSelector("label[for=token] + input#token"));
    field.sendKeys(token);
    browser.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/customers"));
  }

  private String heading() {
    return browser.findElement(By.tagName("h1")).getText();
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  private HttpResponse<String> page(String path, String session) {
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(local.baseUrl() + path))
                .header("Cookie", "kaiten_console=" + session)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .join();
  }

  @Test
  void aVendorSignsInFindsTheDemoCustomerAndSeesAcmeProdsUsageAsTheApiAnswersIt() throws Exception {
    JsonNode state = local.state();
    String admin = state.path("admin_token").asText();
    String license = state.path("demo").path("license_id").asText();
    local.ok(
        local.send(
            "POST",
            "/api/instances/acme-prod/usage",
            local.instanceToken(),
            "{\"entitlement_slug\":\"api-calls\",\"value\":67433}"));

    // Before signing in, a page answers with the sign-in form.
    open("/console/customers");
    assertThat(heading()).isEqualTo("Sign in");
    screenshot("sign-in");
    signIn(admin);
    assertThat(heading()).isEqualTo("Customers");

    // Search as one types: htmx swaps the list in.
    WebElement search = browser.findElement(By.id("q"));
    search.sendKeys("acme");
    wait.until(ExpectedConditions.urlContains("q=acme"));
    WebElement row =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#customer-list tr.customer")));
    assertThat(row.findElement(By.tagName("th")).getText()).isEqualTo("Acme Corp");
    screenshot("customers");

    // Keyboard only: tab to the license link and follow it with Enter.
    WebElement licenseLink =
        row.findElement(By.cssSelector("a[href='/console/licenses/" + license + "']"));
    assertThat(licenseLink.getText()).isEqualTo("pro · ACTIVE");
    licenseLink.sendKeys(Keys.ENTER);
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/licenses/" + license));
    assertThat(browser.findElement(By.id("license-tier")).getText()).isEqualTo("pro");
    assertThat(browser.findElement(By.id("license-status")).getText()).isEqualTo("ACTIVE");
    screenshot("license");

    browser.findElement(By.linkText("acme-prod")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/instances/acme-prod"));
    JsonNode usage =
        local.ok(
            local.send(
                "GET", "/api/instances/acme-prod/entitlements/api-calls/usage", admin, null));
    WebElement gauge = browser.findElement(By.id("gauge-api-calls"));
    assertThat(gauge.getAttribute("data-used"))
        .isEqualTo(usage.path("current_usage").asText())
        .isEqualTo("67433");
    assertThat(gauge.getAttribute("data-limit"))
        .isEqualTo(usage.path("limit").asText())
        .isEqualTo("100000");
    assertThat(gauge.getAttribute("data-percentage"))
        .isEqualTo(usage.path("percentage_used").asText())
        .isEqualTo("67.4");
    assertThat(gauge.getAttribute("data-status")).isEqualTo(usage.path("status").asText());
    assertThat(gauge.findElement(By.cssSelector(".figure")).getText())
        .isEqualTo("67433 / 100000 calls · 67.4 %");
    assertThat(gauge.findElement(By.tagName("meter")).getAttribute("value")).isEqualTo("67433");
    assertThat(gauge.getText()).contains("HARD").contains("ACCEPTED");
    // The period history is drawn (uPlot's canvas), and the latest report is listed.
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector(".chart[data-entitlement=api-calls] canvas")));
    assertThat(browser.findElement(By.id("reports")).getText())
        .contains("api-calls 67433 ACCEPTED 67433");
    // No script or style was refused by the page's policy.
    assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
        .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
    screenshot("instance");
    ((JavascriptExecutor) browser)
        .executeScript(
            "arguments[0].scrollIntoView()", browser.findElement(By.cssSelector(".history")));
    screenshot("instance-history");

    // The catalog as a matrix.
    browser.findElement(By.linkText("Tiers")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/tiers"));
    assertThat(
            browser.findElement(By.cssSelector("#matrix tr[data-entitlement=api-calls]")).getText())
        .isEqualTo("api-calls API calls NUMERIC 1000 100000");
    screenshot("tiers");

    // Downgrade to free: first what acme-prod would get, nothing written yet.
    open("/console/licenses/" + license);
    new Select(browser.findElement(By.id("tier"))).selectByValue("free");
    browser.findElement(By.cssSelector("#change-tier button")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Preview: Move to tier free"));
    WebElement calls =
        browser.findElement(By.cssSelector("#preview-acme-prod tr[data-entitlement=api-calls]"));
    assertThat(calls.getAttribute("class")).isEqualTo("changed");
    assertThat(calls.findElement(By.className("before")).getText())
        .isEqualTo("100000 · 67433 used of 100000 (67.4 %) · ACCEPTED");
    assertThat(calls.findElement(By.className("after")).getText())
        .isEqualTo("1000 · 67433 used of 1000 (6743.3 %) · REJECTED");
    assertThat(
            browser
                .findElement(By.cssSelector("#preview-acme-prod tr[data-entitlement=sso] .after"))
                .getText())
        .isEqualTo("off");
    assertThat(browser.findElement(By.cssSelector("#preview-acme-prod .count")).getText())
        .isEqualTo("3 of 3 entitlements change");
    assertThat(
            local
                .ok(local.send("GET", "/api/licenses/" + license, admin, null))
                .path("tier")
                .asText())
        .isEqualTo("pro");
    screenshot("license-preview");

    // Confirmed: the license, and at once the instance's answers, are the free tier's.
    browser.findElement(By.cssSelector("#confirm button")).click();
    wait.until(
        ExpectedConditions.urlToBe(
            local.baseUrl() + "/console/licenses/" + license + "?applied=1"));
    assertThat(browser.findElement(By.id("license-tier")).getText()).isEqualTo("free");
    assertThat(
            local
                .ok(local.send("GET", "/api/licenses/" + license, admin, null))
                .path("tier")
                .asText())
        .isEqualTo("free");
    browser.findElement(By.linkText("acme-prod")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/instances/acme-prod"));
    JsonNode downgraded =
        local.ok(
            local.send(
                "GET", "/api/instances/acme-prod/entitlements/api-calls/usage", admin, null));
    gauge = browser.findElement(By.id("gauge-api-calls"));
    assertThat(gauge.getAttribute("data-limit"))
        .isEqualTo(downgraded.path("limit").asText())
        .isEqualTo("1000");
    assertThat(gauge.getAttribute("data-percentage"))
        .isEqualTo(downgraded.path("percentage_used").asText())
        .isEqualTo("6743.3");
    assertThat(gauge.getAttribute("data-status"))
        .isEqualTo(downgraded.path("status").asText())
        .isEqualTo("REJECTED");

    // Who to call today: acme-prod, far over 80 % of its limit now.
    browser.findElement(By.linkText("Near limits")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/limits"));
    WebElement near =
        browser.findElement(
            By.cssSelector("#near-limits tr[data-instance=acme-prod][data-entitlement=api-calls]"));
    assertThat(near.findElement(By.className("percentage")).getText()).isEqualTo("6743.3 %");
    screenshot("limits");
    near.findElement(By.linkText("acme-prod")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/instances/acme-prod"));
    assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
        .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
  }

  @Test
  void aFailedWebhookIsRedeliveredAndTheAuditTrailVerifies() throws Exception {
    String admin = local.state().path("admin_token").asText();
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String endpoint =
        local
            .created(
                local.send(
                    "POST",
                    "/api/webhooks",
                    admin,
                    "{\"url\":\"http://127.0.0.1:"
                        + closed
                        + "/hooks\",\"description\":\"CRM sync\",\"event_types\":[\"webhook.test\"]}"))
            .path("id")
            .asText();
    HttpResponse<String> test =
        local.send("POST", "/api/webhooks/" + endpoint + "/test", admin, null);
    assertThat(test.statusCode()).isEqualTo(202);
    String delivery = local.json(test).path("id").asText();
    String log = "/api/webhooks/" + endpoint + "/deliveries";
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                local
                    .ok(local.send("GET", log, admin, null))
                    .path("items")
                    .path(0)
                    .path("status")
                    .asText(),
            "FAILED"::equals);
    int attempts =
        local
            .ok(local.send("GET", log, admin, null))
            .path("items")
            .path(0)
            .path("attempts")
            .asInt();
    assertThat(attempts).isEqualTo(2);

    signIn(admin);
    browser.findElement(By.linkText("Webhooks")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/webhooks"));
    browser.findElement(By.linkText(endpoint)).click();
    WebElement row =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#deliveries tr[data-delivery='" + delivery + "']")));
    assertThat(row.getAttribute("data-status")).isEqualTo("FAILED");
    assertThat(row.getText()).contains("webhook.test").contains("FAILED 2");
    screenshot("webhooks");

    row.findElement(By.cssSelector("button[aria-label='Redeliver " + delivery + "']")).click();
    wait.until(ExpectedConditions.urlContains("redelivered=" + delivery));
    assertThat(browser.findElement(By.id("redelivered")).getText()).contains(delivery);
    // Sent again through the API's redeliver: a fresh round that fails the same way.
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> local.ok(local.send("GET", log, admin, null)).path("items").path(0),
            item ->
                item.path("status").asText().equals("FAILED")
                    && item.path("attempts").asInt() == 4);

    // The trail has the redelivery, by this session's token, and verifies.
    browser.findElement(By.linkText("Audit")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/audit"));
    WebElement type = browser.findElement(By.id("f-type"));
    type.sendKeys("webhook.redelivered");
    type.submit();
    wait.until(ExpectedConditions.urlContains("type=webhook.redelivered"));
    assertThat(browser.findElements(By.cssSelector("#records tr[data-type='webhook.redelivered']")))
        .hasSize(1);
    browser.findElement(By.cssSelector("form[action='/console/audit/verify'] button")).click();
    WebElement verification =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("verification")));
    assertThat(verification.getAttribute("data-valid")).isEqualTo("true");
    assertThat(verification.getText()).startsWith("Intact.");
    screenshot("audit");
  }

  @Test
  void aFormPostedWithoutTheCsrfTokenIsRefusedAndSignOutEndsTheSession() throws Exception {
    signIn(local.state().path("admin_token").asText());
    String session = browser.manage().getCookieNamed("kaiten_console").getValue();
    Cookie cookie = browser.manage().getCookieNamed("kaiten_console");
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.isSecure()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(cookie.getPath()).isEqualTo("/console");
    assertThat(cookie.getExpiry()).isNotNull();

    // The sign-out form without its token: 403, and the session goes on.
    ((JavascriptExecutor) browser)
        .executeScript("document.querySelector('form.sign-out input[name=csrf]').remove()");
    browser.findElement(By.cssSelector("form.sign-out button")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "403 Forbidden"));
    assertThat(page("/console/customers", session).statusCode()).isEqualTo(200);
    open("/console/customers");
    assertThat(heading()).isEqualTo("Customers");

    // With it: the session ends, and its cookie opens nothing any more.
    browser.findElement(By.cssSelector("form.sign-out button")).click();
    wait.until(ExpectedConditions.urlToBe(local.baseUrl() + "/console/sign-in"));
    assertThat(browser.manage().getCookieNamed("kaiten_console")).isNull();
    HttpResponse<String> replayed = page("/console/customers", session);
    assertThat(replayed.statusCode()).isEqualTo(401);
    assertThat(replayed.body()).contains("<form method=\"post\" action=\"/console/sign-in\"");
    open("/console/customers");
    assertThat(heading()).isEqualTo("Sign in");
  }

  @Test
  void anotherTenantsIdsAnswer404() throws Exception {
    JsonNode state = local.state();
    String license = state.path("demo").path("license_id").asText();
    String otherAdmin =
        local
            .created(
                local.send(
                    "POST",
                    "/api/tenants",
                    state.path("bootstrap_secret").asText(),
                    "{\"name\":\"Other vendor\"}"))
            .path("admin_token")
            .path("token")
            .asText();

    signIn(otherAdmin);
    String session = browser.manage().getCookieNamed("kaiten_console").getValue();
    open("/console/licenses/" + license);
    assertThat(heading()).isEqualTo("404 Not Found");
    assertThat(page("/console/licenses/" + license, session).statusCode()).isEqualTo(404);
    assertThat(page("/console/instances/acme-prod", session).statusCode()).isEqualTo(404);
    open("/console/customers?q=Acme");
    assertThat(browser.findElement(By.id("customer-list")).getText())
        .isEqualTo("No customer matches “Acme”.");
  }
}
