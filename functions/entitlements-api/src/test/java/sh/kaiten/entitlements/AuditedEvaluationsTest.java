package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * Every evaluation (single, bulk, OFREP) and every usage read is in the audit trail when the answer
 * leaves.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class AuditedEvaluationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject AuditLog audit;

  @Test
  void everyEvaluationIsRecordedWithWhoAskedAndWhatItCameTo() throws Exception {
    ProductPage page = ProductPage.seed(catalog);
    String secret = page.instanceSecret();
    get(secret, "/api/instances/acme-prod/entitlements/sso");
    get(secret, "/api/instances/acme-prod/entitlements");
    get(secret, "/api/instances/acme-prod/entitlements/api-calls/usage");
    ofrep(secret, "/ofrep/v1/evaluate/flags/sso");
    ofrep(secret, "/ofrep/v1/evaluate/flags");
    // refused requests changed nothing and are not recorded
    given()
        .header("Authorization", "Bearer " + secret)
        .when()
        .get("/api/instances/acme-prod/entitlements/nope")
        .then()
        .statusCode(404);

    List<AuditRecord> trail =
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter("acme-prod", null, null, null, null),
                PageRequest.of(null, 50))
            .items();
    String tokenId = tokens.findByHash(Secrets.hash(secret)).orElseThrow().id();
    assertThat(trail)
        .extracting(AuditRecord::type)
        .containsExactly(
            "entitlement.evaluated",
            "entitlement.evaluated",
            "usage.viewed",
            "entitlement.evaluated",
            "entitlement.evaluated");
    assertThat(trail).extracting(AuditRecord::actor).containsOnly(tokenId);
    assertThat(trail).extracting(AuditRecord::intact).containsOnly(true);
    assertThat(trail)
        .extracting(r -> JSON.readTree(r.request()).path("via").asText())
        .containsExactly("ofrep", "ofrep", "", "api", "api");

    AuditRecord single = trail.get(4);
    assertThat(single.entitlements()).containsExactly("sso");
    JsonNode sso = JSON.readTree(single.result()).get("sso");
    assertThat(sso.get("enabled").asBoolean()).isTrue();
    assertThat(sso.get("source").asText()).isEqualTo("TIER");
    AuditRecord bulk = trail.get(3);
    assertThat(bulk.entitlements()).containsExactly("api-calls", "sso");
    assertThat(JSON.readTree(bulk.result()).get("api-calls").has("usage")).isTrue();
    assertThat(trail.get(2).entitlements()).containsExactly("api-calls");
    assertThat(
            audit
                .page(
                    page.adminToken().tenantId(),
                    new AuditFilter(null, "sso", null, null, null),
                    PageRequest.of(null, 50))
                .items())
        .hasSize(4);
  }

  @Test
  void aSnapshotIsRecordedAsAnEvaluationAndItsRevalidationIsNot() throws Exception {
    ProductPage page = ProductPage.seed(catalog);
    String secret = page.instanceSecret();
    String snapshotTag =
        given()
            .header("Authorization", "Bearer " + secret)
            .when()
            .get("/api/instances/acme-prod/snapshot")
            .then()
            .statusCode(200)
            .extract()
            .header("ETag");
    String flagsTag =
        given()
            .header("Authorization", "Bearer " + secret)
            .contentType("application/json")
            .body("{\"context\":{\"targetingKey\":\"acme-prod\"}}")
            .when()
            .post("/ofrep/v1/evaluate/flags")
            .then()
            .statusCode(200)
            .extract()
            .header("ETag");
    for (int i = 0; i < 3; i++) {
      given()
          .header("Authorization", "Bearer " + secret)
          .header("If-None-Match", snapshotTag)
          .when()
          .get("/api/instances/acme-prod/snapshot")
          .then()
          .statusCode(304);
      given()
          .header("Authorization", "Bearer " + secret)
          .header("If-None-Match", flagsTag)
          .contentType("application/json")
          .body("{\"context\":{\"targetingKey\":\"acme-prod\"}}")
          .when()
          .post("/ofrep/v1/evaluate/flags")
          .then()
          .statusCode(304);
    }

    List<AuditRecord> trail =
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter("acme-prod", null, null, null, null),
                PageRequest.of(null, 50))
            .items();
    assertThat(trail)
        .extracting(AuditRecord::type)
        .containsExactly("entitlement.evaluated", "entitlement.evaluated");
    assertThat(trail)
        .extracting(r -> JSON.readTree(r.request()).path("via").asText())
        .containsExactly("ofrep", "snapshot");
    AuditRecord snapshot = trail.get(1);
    assertThat(snapshot.entitlements()).containsExactly("api-calls", "sso");
    assertThat(JSON.readTree(snapshot.request()))
        .isEqualTo(JSON.readTree("{\"via\":\"snapshot\",\"entitlements\":\"all\"}"));
    assertThat(JSON.readTree(snapshot.result()))
        .isEqualTo(
            JSON.readTree(
                """
        {"api-calls": {"enabled": true, "source": "TIER", "reason": "GRANTED", "value": 100000, "usage": 0},
         "sso": {"enabled": true, "source": "TIER", "reason": "GRANTED", "value": true}}"""));
  }

  private static void get(String secret, String path) {
    given().header("Authorization", "Bearer " + secret).when().get(path).then().statusCode(200);
  }

  private static void ofrep(String secret, String path) {
    given()
        .header("Authorization", "Bearer " + secret)
        .contentType("application/json")
        .body("{\"context\":{\"targetingKey\":\"acme-prod\"}}")
        .when()
        .post(path)
        .then()
        .statusCode(200);
  }
}
