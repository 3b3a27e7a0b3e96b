package sh.kaiten.console;

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
  private static final Pattern RECORD = Pattern.compile("data-record=\"(aud_[^\"]+)\"");

  private final DeploymentStores stores = DeploymentStores.of("ConsoleFunction");
  private ProductPage tenant;
  private ConsoleClient console;

  @BeforeEach
  void suspendedFromTheConsole() {
    tenant = stores.productPage();
    console = ConsoleClient.signIn(tenant.adminSecret());
    String readAt =
        tenant
            .admin()
            .licenses()
            .license(tenant.adminToken(), tenant.licenseId())
            .updatedAt()
            .toString();
    Response changed =
        console.post(
            "/console/licenses/" + tenant.licenseId() + "/change",
            Map.of("csrf", console.csrf(), "change", "suspend", "read_at", readAt));
    assertThat(changed.statusCode()).isEqualTo(303);
  }

  private Response page(String path, Map<String, String> query) {
    return console.get(path, query);
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
