package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.testing.LocalAwsResource;

/**
 * The CRM connector through admin-api: its signing secret made on creation, answered that once and
 * never again nor recorded, its URL checked as a webhook's, every bad field refused by name with
 * nothing written, and another tenant never seeing it.
 */
@QuarkusTest
@TestProfile(SecretsAtColdStartTest.FromSecretsManager.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class CrmConnectorApiTest {
  private static final String PATH = "/api/connectors/crm";
  private static final String URL = "https://203.0.113.10/crm";

  @Inject CrmConnectors stored;

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    var created = ConnectorCalls.newTenant("Vendor");
    admin = created.path("admin_token.token");
    tenant = created.path("id");
  }

  private ValidatableResponse call(String method, String token, String body) {
    return ConnectorCalls.call(method, token, PATH, body);
  }

  @Test
  void aConnectorIsCreatedWithItsSecretShownOnceThenReadReplacedAndDeleted() {
    String secret =
        call("PUT", admin, "{\"url\":\"" + URL + "\"}")
            .statusCode(201)
            .body("type", equalTo("crm"))
            .body("url", equalTo(URL))
            .body("signing_secret_set", equalTo(true))
            .extract()
            .path("signing_secret");
    assertThat(secret).startsWith("whsec_").hasSize(50);
    assertThat(stored.find(tenant).orElseThrow().secret()).isEqualTo(secret);

    String read = call("GET", admin, null).statusCode(200).extract().asString();
    assertThat(read).doesNotContain(secret).doesNotContain("signing_secret\"");
    call("GET", admin, null).body("url", equalTo(URL)).body("signing_secret_set", equalTo(true));

    // Replaced: the new URL, the same secret, never answered again.
    String replaced =
        call("PUT", admin, "{\"url\":\"https://203.0.113.11/crm\"}")
            .statusCode(200)
            .body("url", equalTo("https://203.0.113.11/crm"))
            .extract()
            .asString();
    assertThat(replaced).doesNotContain(secret);
    assertThat(stored.find(tenant).orElseThrow().secret()).isEqualTo(secret);

    call("DELETE", admin, null).statusCode(204);
    call("GET", admin, null).statusCode(404);
    call("DELETE", admin, null).statusCode(404);
    assertThat(stored.find(tenant)).isEmpty();

    var audit = given().header("Authorization", "Bearer " + admin);
    audit
        .when()
        .get("/api/audit?type=connector.crm.created")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].request.url", equalTo(URL));
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/audit?type=connector.crm.updated")
        .then()
        .body("items", hasSize(1));
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/audit?type=connector.crm.deleted")
        .then()
        .body("items", hasSize(1));
    String everything =
        given()
            .header("Authorization", "Bearer " + admin)
            .when()
            .get("/api/audit")
            .then()
            .extract()
            .asString();
    assertThat(everything).contains("connector.crm.created").doesNotContain(secret);
  }

  @Test
  void everyBadFieldIsRefusedByNameAndNothingIsWritten() {
    Map<String, String> refusals =
        Map.of(
            "{}",
            "url",
            "{\"url\":\"\"}",
            "url",
            "{\"url\":\"http://203.0.113.10/crm\"}",
            "url",
            "{\"url\":\"https://10.0.0.7/crm\"}",
            "url",
            "{\"url\":\"https://169.254.169.254/latest\"}",
            "url",
            "{\"url\":\"https://203.0.113.10/" + "x".repeat(2048) + "\"}",
            "url",
            "{\"url\":\"" + URL + "\",\"surprise\":1}",
            "surprise",
            "{\"url\":7}",
            "url");
    refusals.forEach(
        (body, field) ->
            call("PUT", admin, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));

    call("GET", admin, null).statusCode(404);
    assertThat(stored.find(tenant)).isEmpty();
    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .get("/api/audit?type=connector.crm.created")
        .then()
        .statusCode(200)
        .body("items", hasSize(0));
  }

  @Test
  void anotherTenantNeverSeesTheConnectorNorReplacesIt() {
    call("PUT", admin, "{\"url\":\"" + URL + "\"}").statusCode(201);
    String other = ConnectorCalls.newTenant("Other").path("admin_token.token");

    call("GET", other, null).statusCode(404);
    call("DELETE", other, null).statusCode(404);
    // Its own PUT creates its own connector, with its own secret: ours is untouched.
    call("PUT", other, "{\"url\":\"https://203.0.113.12/crm\"}").statusCode(201);
    call("GET", admin, null).statusCode(200).body("url", equalTo(URL));
    assertThat(stored.find(tenant).orElseThrow().url()).isEqualTo(URL);
  }
}
