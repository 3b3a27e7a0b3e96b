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
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.PageRequest;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/** Every evaluation (single, bulk, OFREP) and every usage read is in the audit trail when the answer leaves. */
@QuarkusTest
@QuarkusTestResource(value = LocalAwsResource.class, initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class AuditedEvaluationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject CatalogStore catalog;
  @Inject TokenStore tokens;
  @Inject AuditLog audit;

  @Test
  void everyEvaluationIsRecordedWithWhoAskedAndWhatItCameTo() throws Exception {
    ProductPage page = ProductPage.seed(catalog, tokens);
    String secret = page.instanceSecret();
    get(secret, "/api/instances/acme-prod/entitlements/sso");
    get(secret, "/api/instances/acme-prod/entitlements");
    get(secret, "/api/instances/acme-prod/entitlements/api-calls/usage");
    ofrep(secret, "/ofrep/v1/evaluate/flags/sso");
    ofrep(secret, "/ofrep/v1/evaluate/flags");
    // refused requests changed nothing and are not recorded
    given().header("Authorization", "Bearer " + secret).when().get("/api/instances/acme-prod/entitlements/nope")
        .then().statusCode(404);

    List<AuditRecord> trail = audit.page(page.adminToken().tenantId(), new AuditFilter("acme-prod", null, null, null, null),
        PageRequest.of(null, 50)).items();
    String tokenId = tokens.findByHash(Secrets.hash(secret)).orElseThrow().id();
    assertThat(trail).extracting(AuditRecord::type).containsExactly("entitlement.evaluated", "entitlement.evaluated",
        "usage.viewed", "entitlement.evaluated", "entitlement.evaluated");
    assertThat(trail).extracting(AuditRecord::actor).containsOnly(tokenId);
    assertThat(trail).extracting(AuditRecord::intact).containsOnly(true);
    assertThat(trail).extracting(r -> JSON.readTree(r.request()).path("via").asText())
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
    assertThat(audit.page(page.adminToken().tenantId(), new AuditFilter(null, "sso", null, null, null),
        PageRequest.of(null, 50)).items()).hasSize(4);
  }

  private static void get(String secret, String path) {
    given().header("Authorization", "Bearer " + secret).when().get(path).then().statusCode(200);
  }

  private static void ofrep(String secret, String path) {
    given().header("Authorization", "Bearer " + secret).contentType("application/json")
        .body("{\"context\":{\"targetingKey\":\"acme-prod\"}}").when().post(path).then().statusCode(200);
  }
}
