package sh.kaiten.entitlements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * What an evaluation costs in DynamoDB requests with a warm function, counted by an SDK
 * interceptor: the token, the instance and its license are read every time (the last two in one
 * request); tier and entitlement definitions come from the function's 5-second cache; counters are
 * read together. The one write is the audit record.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "EntitlementsApiFunction"))
class RoundTripsTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject DynamoRequests requests;
  @Inject KaitenConfig config;

  private ProductPage page;

  @BeforeEach
  void warm() {
    page = ProductPage.seed(catalog);
    get("/api/instances/acme-prod/entitlements");
    requests.clear();
  }

  /** The one write: the evaluation's audit record, put before the answer. */
  private void assertAuditedOnce() {
    assertThat(requests.calls())
        .filteredOn(call -> !call.operation().endsWith("GetItem"))
        .containsExactly(new DynamoRequests.Call("PutItem", config.table().audit()));
  }

  private void get(String path) {
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .when()
        .get(path)
        .then()
        .statusCode(200);
  }

  @Test
  void aSingleBooleanEvaluationCostsTwoReadsAndItsAuditWrite() {
    get("/api/instances/acme-prod/entitlements/sso");

    // The token, then the instance with its license (the token names the license).
    assertThat(requests.operations()).containsExactly("GetItem", "BatchGetItem", "PutItem");
    assertAuditedOnce();
  }

  @Test
  void aBulkEvaluationCostsTwoReadsAndOneAuditWriteWhateverTheNumberOfMeters() {
    get("/api/instances/acme-prod/entitlements");

    // The counters (calendar periods) are read with the instance and its license.
    assertThat(requests.operations()).containsExactly("GetItem", "BatchGetItem", "PutItem");
    assertAuditedOnce();
  }

  @Test
  void aSingleNumericEvaluationReadsItsCounterWithTheLicense() {
    get("/api/instances/acme-prod/entitlements/api-calls");

    assertThat(requests.operations()).isEqualTo(List.of("GetItem", "BatchGetItem", "PutItem"));
    assertAuditedOnce();
  }

  @Test
  void aSnapshotCostsTheBulkEvaluationsReadsAndItsRevalidationNoWrite() {
    String etag =
        given()
            .header("Authorization", "Bearer " + page.instanceSecret())
            .when()
            .get("/api/instances/acme-prod/snapshot")
            .then()
            .statusCode(200)
            .extract()
            .header("ETag");

    assertThat(requests.operations()).containsExactly("GetItem", "BatchGetItem", "PutItem");
    assertAuditedOnce();

    requests.clear();
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .header("If-None-Match", etag)
        .when()
        .get("/api/instances/acme-prod/snapshot")
        .then()
        .statusCode(304);

    // The same two reads, and no audit write: the client's copy is still current.
    assertThat(requests.calls())
        .containsExactly(
            new DynamoRequests.Call("GetItem", config.table().tokens()),
            new DynamoRequests.Call("BatchGetItem", null));
  }

  @Test
  void aCounterPhasedFromTheLicenseStartIsReadOnceTheLicenseIsKnown() {
    page = ProductPage.seed(catalog); // a tenant whose definitions are not cached yet
    page.admin()
        .catalog()
        .createEntitlement(
            page.adminToken(),
            new Entitlement(
                "seats",
                "Seats",
                EntitlementType.NUMERIC,
                new Metering(
                    null, Reset.MONTH, ResetAnchor.LICENSE_START, null, null, null, null, null),
                null,
                null));
    get("/api/instances/acme-prod/entitlements");
    requests.clear();
    get("/api/instances/acme-prod/entitlements/seats");

    assertThat(requests.operations())
        .isEqualTo(List.of("GetItem", "BatchGetItem", "GetItem", "PutItem"));
    assertAuditedOnce();
  }
}
