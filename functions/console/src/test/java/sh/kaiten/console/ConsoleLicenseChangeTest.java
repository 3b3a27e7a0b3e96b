package sh.kaiten.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * A license changed from its page: previewed for every instance, applied only on confirmation and
 * only on the license previewed, audited as the API's change, CSRF-checked.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleLicenseChangeTest {
  private static final Pattern READ_AT =
      Pattern.compile("<input type=\"hidden\" name=\"read_at\" value=\"([^\"]+)\">");

  @Inject Auditing auditing;

  private ProductPage tenant;
  private ConsoleClient console;
  private String csrf;

  @BeforeEach
  void signedIn() {
    tenant = DeploymentStores.of("ConsoleFunction").productPage();
    var json = JsonNodeFactory.instance;
    tenant
        .admin()
        .catalog()
        .createTier(
            tenant.adminToken(),
            new TierDraft(
                "starter",
                "Starter",
                1,
                Map.of("api-calls", json.numberNode(new BigDecimal("50000")))));
    console = ConsoleClient.signIn(tenant.adminSecret());
    csrf = console.csrf();
  }

  private Response page(String path) {
    return console.get(path);
  }

  private Response post(String path, Map<String, String> fields) {
    return console.post(path, fields);
  }

  private License stored() {
    return tenant.admin().licenses().license(tenant.adminToken(), tenant.licenseId());
  }

  private String licensePath(String rest) {
    return "/console/licenses/" + tenant.licenseId() + rest;
  }

  @Test
  void aDowngradeIsPreviewedForEveryInstanceThenMadeOnConfirmationAndAudited() {
    License before = stored();
    Response preview =
        post(licensePath("/preview"), Map.of("csrf", csrf, "change", "tier", "tier", "starter"));

    assertThat(preview.statusCode()).isEqualTo(200);
    String html = preview.asString();
    assertThat(html)
        .contains("<h1>Preview: Move to tier starter</h1>")
        .contains(
            "<tr class=\"changed\"><th scope=\"row\">Tier</th><td>pro</td><td>starter</td><td><strong>changes</strong></td></tr>")
        .contains("<span class=\"count\">2 of 2 entitlements change</span>")
        .contains(
            "<td class=\"before\">100000 · 0 used of 100000 (0.0 %) · ACCEPTED</td><td class=\"after\">50000 · 0 used of 50000 (0.0 %) · ACCEPTED</td>")
        .contains("<td class=\"before\">on</td><td class=\"after\">not granted (NOT_IN_TIER)</td>")
        .contains("id=\"preview-acme-prod\"")
        .contains("id=\"preview-acme-staging\"")
        .contains("<input type=\"hidden\" name=\"change\" value=\"tier\">")
        .contains("<input type=\"hidden\" name=\"tier\" value=\"starter\">");
    Matcher readAt = READ_AT.matcher(html);
    assertThat(readAt.find()).isTrue();
    assertThat(readAt.group(1)).isEqualTo(before.updatedAt().toString());
    // Previewing wrote nothing.
    assertThat(stored()).isEqualTo(before);

    Response applied =
        post(
            licensePath("/change"),
            Map.of("csrf", csrf, "change", "tier", "tier", "starter", "read_at", readAt.group(1)));

    assertThat(applied.statusCode()).isEqualTo(303);
    assertThat(applied.header("Location")).endsWith(licensePath("?applied=1"));
    assertThat(stored().tier()).isEqualTo("starter");
    assertThat(page(licensePath("?applied=1")).asString())
        .contains("<dd id=\"license-tier\">starter</dd>")
        .contains("The change was applied");
    List<AuditRecord> records =
        auditing
            .page(
                tenant.adminToken(),
                new AuditFilter(null, null, "license.updated", null, null),
                new PageRequest(null, 10))
            .items();
    assertThat(records).hasSize(1);
    AuditRecord record = records.get(0);
    assertThat(record.actor()).isEqualTo(tenant.adminToken().id());
    assertThat(record.request())
        .isEqualTo(
            "{\"via\":\"console\",\"method\":\"POST\",\"path\":\""
                + licensePath("/change")
                + "\",\"body\":{\"change\":\"tier\",\"tier\":\"starter\",\"read_at\":\""
                + before.updatedAt()
                + "\"}}");
    assertThat(record.result()).isEqualTo("{\"status\":303,\"id\":\"" + tenant.licenseId() + "\"}");
  }

  @Test
  void aTrialIsExtendedToTheUtcTimeGivenAndEndedAtTheInstantItWasPreviewed() {
    tenant
        .admin()
        .licenses()
        .updateLicense(
            tenant.adminToken(),
            tenant.licenseId(),
            new LicensePatch(
                null, sh.kaiten.domain.license.LicenseStatus.TRIAL, null, null, null, null));
    String readAt = stored().updatedAt().toString();
    Response preview =
        post(
            licensePath("/preview"),
            Map.of("csrf", csrf, "change", "extend-trial", "trial_ends_at", "2027-01-15T12:00"));
    assertThat(preview.asString())
        .contains("<h1>Preview: Trial ends at 2027-01-15 12:00 UTC</h1>")
        .contains(
            "<tr class=\"changed\"><th scope=\"row\">Trial ends</th><td>—</td><td>2027-01-15 12:00 UTC</td>")
        // A trial that ends later changes nothing an instance gets now.
        .contains("<span class=\"count\">0 of 2 entitlements change</span>");

    Response extended =
        post(
            licensePath("/change"),
            Map.of(
                "csrf",
                csrf,
                "change",
                "extend-trial",
                "trial_ends_at",
                "2027-01-15T12:00",
                "read_at",
                readAt));
    assertThat(extended.statusCode()).isEqualTo(303);
    assertThat(stored().trialEndsAt()).isEqualTo(java.time.Instant.parse("2027-01-15T12:00:00Z"));

    java.time.Instant before = java.time.Instant.now();
    String ending =
        post(licensePath("/preview"), Map.of("csrf", csrf, "change", "end-trial")).asString();
    assertThat(ending)
        .contains("<span class=\"count\">2 of 2 entitlements change</span>")
        .contains("<td class=\"before\">on</td><td class=\"after\">not granted (TRIAL_ENDED)</td>");
    Matcher ended =
        Pattern.compile("<input type=\"hidden\" name=\"trial_ends_at\" value=\"([^\"]+)\">")
            .matcher(ending);
    assertThat(ended.find()).isTrue();
    assertThat(java.time.Instant.parse(ended.group(1)))
        .isBetween(before.minusSeconds(1), java.time.Instant.now());
  }

  /** Suspends the license with the given trial end, then reactivates it from the console. */
  private LicenseStatus reactivatedWithTrialEnd(LicensePatch.DateChange trialEnd) {
    tenant
        .admin()
        .licenses()
        .updateLicense(
            tenant.adminToken(),
            tenant.licenseId(),
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, trialEnd, null, null));
    String readAt = stored().updatedAt().toString();
    assertThat(
            post(licensePath("/preview"), Map.of("csrf", csrf, "change", "reactivate"))
                .statusCode())
        .isEqualTo(200);
    Response reactivated =
        post(
            licensePath("/change"),
            Map.of("csrf", csrf, "change", "reactivate", "read_at", readAt));
    assertThat(reactivated.statusCode()).isEqualTo(303);
    return stored().status();
  }

  @Test
  void aSuspendedTrialIsReactivatedAsATrialWhileItsEndIsAheadAndAsActiveOtherwise() {
    Instant now = Instant.now();
    assertThat(reactivatedWithTrialEnd(new LicensePatch.DateChange(now.plus(Duration.ofDays(10)))))
        .as("a trial still running comes back a trial, not a paid license")
        .isEqualTo(LicenseStatus.TRIAL);
    assertThat(reactivatedWithTrialEnd(new LicensePatch.DateChange(now.minus(Duration.ofDays(1)))))
        .as("a trial that has ended comes back ACTIVE")
        .isEqualTo(LicenseStatus.ACTIVE);
    assertThat(reactivatedWithTrialEnd(LicensePatch.DateChange.clear()))
        .isEqualTo(LicenseStatus.ACTIVE);
  }

  @Test
  void aChangeStoredBetweenPreviewAndConfirmationIsAConflictAndNothingIsWritten() {
    String readAt = stored().updatedAt().toString();
    assertThat(
            post(licensePath("/preview"), Map.of("csrf", csrf, "change", "suspend")).statusCode())
        .isEqualTo(200);
    License between =
        tenant
            .admin()
            .licenses()
            .updateLicense(
                tenant.adminToken(),
                tenant.licenseId(),
                new LicensePatch(
                    null,
                    null,
                    null,
                    null,
                    null,
                    Map.of("api-calls", JsonNodeFactory.instance.numberNode(200000))));

    Response conflict =
        post(licensePath("/change"), Map.of("csrf", csrf, "change", "suspend", "read_at", readAt));

    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.asString())
        .contains("was changed by someone else after you previewed this change")
        .contains("<a id=\"back\" href=\"" + licensePath("") + "\">");
    assertThat(stored()).isEqualTo(between);
    assertThat(
            auditing
                .page(
                    tenant.adminToken(),
                    new AuditFilter(null, null, "license.updated", null, null),
                    new PageRequest(null, 10))
                .items())
        .isEmpty();
  }

  @Test
  void previewAndChangeWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
    License before = stored();
    Response preview = post(licensePath("/preview"), Map.of("change", "suspend"));
    Response change =
        post(
            licensePath("/change"),
            Map.of("change", "suspend", "read_at", before.updatedAt().toString()));

    assertThat(preview.statusCode()).isEqualTo(403);
    assertThat(change.statusCode()).isEqualTo(403);
    assertThat(change.asString()).contains("did not carry the page&#39;s security token");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void badFieldsAre400NamingTheProblemAndAnotherTenantsLicenseIs404() {
    License before = stored();
    Response value =
        post(
            licensePath("/preview"),
            Map.of(
                "csrf", csrf, "change", "override", "entitlement", "api-calls", "value", "lots"));
    assertThat(value.statusCode()).isEqualTo(400);
    assertThat(value.asString())
        .contains("value must be true, false, a number, unlimited, or a JSON value");
    Response shape =
        post(
            licensePath("/preview"),
            Map.of(
                "csrf", csrf, "change", "override", "entitlement", "api-calls", "value", "true"));
    assertThat(shape.statusCode()).isEqualTo(400);
    assertThat(shape.asString()).contains("overrides.api-calls must be a number");
    Response readAt =
        post(licensePath("/change"), Map.of("csrf", csrf, "change", "suspend", "read_at", "now"));
    assertThat(readAt.statusCode()).isEqualTo(400);
    assertThat(readAt.asString()).contains("read_at must be the instant the license was read");
    Response unknown = post(licensePath("/preview"), Map.of("csrf", csrf, "change", "delete"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(stored()).isEqualTo(before);

    ProductPage other = DeploymentStores.of("ConsoleFunction").productPage();
    Response foreign =
        post(
            "/console/licenses/" + other.licenseId() + "/preview",
            Map.of("csrf", csrf, "change", "suspend"));
    assertThat(foreign.statusCode()).isEqualTo(404);
  }
}
