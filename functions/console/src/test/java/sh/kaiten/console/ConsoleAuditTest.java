package sh.kaiten.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The audit page: records filtered; a range verified, intact and then with a changed record. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleAuditTest {
  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([A-Za-z0-9_-]{43})\">");
  private static final Pattern RECORD = Pattern.compile("data-record=\"(aud_[^\"]+)\"");

  private final DeploymentStores stores = DeploymentStores.of("ConsoleFunction");
  private ProductPage tenant;
  private String session;

  @BeforeEach
  void suspendedFromTheConsole() {
    tenant = stores.productPage();
    session =
        given()
            .redirects()
            .follow(false)
            .contentType("application/x-www-form-urlencoded")
            .formParam("token", tenant.adminSecret())
            .post("/console/sign-in")
            .header("Set-Cookie")
            .replaceAll("^kaiten_console=([^;]+);.*$", "$1");
    Matcher csrf = CSRF_META.matcher(page("/console/audit", Map.of()).asString());
    assertThat(csrf.find()).isTrue();
    String readAt =
        tenant
            .admin()
            .licenses()
            .license(tenant.adminToken(), tenant.licenseId())
            .updatedAt()
            .toString();
    Response changed =
        given()
            .redirects()
            .follow(false)
            .cookie("kaiten_console", session)
            .contentType("application/x-www-form-urlencoded")
            .formParams(Map.of("csrf", csrf.group(1), "change", "suspend", "read_at", readAt))
            .post("/console/licenses/" + tenant.licenseId() + "/change");
    assertThat(changed.statusCode()).isEqualTo(303);
  }

  private Response page(String path, Map<String, String> query) {
    return given()
        .redirects()
        .follow(false)
        .cookie("kaiten_console", session)
        .queryParams(query)
        .get(path);
  }

  private static String lastHour() {
    return Instant.now().minus(Duration.ofHours(1)).toString().substring(0, 16);
  }

  @Test
  void recordsAreFilteredByTypeInstanceAndTime() {
    String all = page("/console/audit", Map.of("type", "license.updated")).asString();
    assertThat(all)
        .contains("data-type=\"license.updated\"")
        .contains("<code>" + tenant.adminToken().id() + "</code>")
        .contains("&quot;via&quot;:&quot;console&quot;")
        .contains("value=\"license.updated\"");
    assertThat(
            page("/console/audit", Map.of("type", "license.updated", "instance", "acme-prod"))
                .asString())
        .contains("No record matches.");
    assertThat(
            page(
                    "/console/audit",
                    Map.of("from", Instant.now().plus(Duration.ofHours(1)).toString()))
                .asString())
        .contains("No record matches.");
    Response bad = page("/console/audit", Map.of("instance", "x".repeat(200)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.asString()).contains("instance must be an instance id");
    assertThat(page("/console/audit", Map.of("from", "yesterday")).statusCode()).isEqualTo(400);
  }

  @Test
  void aRangeVerifiesIntactAndThenNamesTheRecordThatWasChanged() {
    Response intact = page("/console/audit/verify", Map.of("from", lastHour()));
    assertThat(intact.statusCode()).isEqualTo(200);
    assertThat(intact.asString())
        .contains("data-valid=\"true\"")
        .contains(
            "1 records and\n      0 digests checked; 1 records of hours not sealed yet, their hashes intact.");

    Matcher record =
        RECORD.matcher(page("/console/audit", Map.of("type", "license.updated")).asString());
    assertThat(record.find()).isTrue();
    LocalAwsResource.localAws()
        .dynamo()
        .updateItem(
            r ->
                r.tableName(stores.table("KAITEN_TABLE_AUDIT"))
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("TENANT#" + tenant.adminToken().tenantId()),
                            "sk",
                            AttributeValue.fromS("RECORD#" + record.group(1))))
                    .updateExpression("SET #result = :forged")
                    .expressionAttributeNames(Map.of("#result", "result"))
                    .expressionAttributeValues(
                        Map.of(":forged", AttributeValue.fromS("{\"status\":303,\"id\":\"x\"}"))));

    String forged = page("/console/audit/verify", Map.of("from", lastHour())).asString();
    assertThat(forged)
        .contains("data-valid=\"false\"")
        .contains("<strong>Not intact.</strong>")
        .contains("RECORD_CHANGED record " + record.group(1));
    assertThat(page("/console/audit/verify", Map.of()).statusCode()).isEqualTo(400);
  }
}
