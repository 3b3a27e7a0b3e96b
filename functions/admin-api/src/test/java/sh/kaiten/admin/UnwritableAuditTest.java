package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditDigest;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.testing.LocalAwsResource;

/**
 * With the audit trail's own writes (those made after a request is carried out) failing,
 * control-plane requests are unaffected: each writes its record in its change's transaction.
 */
@QuarkusTest
@TestProfile(UnwritableAuditTest.Unwritable.class)
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class UnwritableAuditTest {

  /** Selects {@link RefusingAuditLog} in place of the DynamoDB trail. */
  public static class Unwritable implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.arc.selected-alternatives", RefusingAuditLog.class.getName());
    }
  }

  /** A trail whose every write fails, as a throttled or unreachable table would. */
  @Alternative
  @Singleton
  public static class RefusingAuditLog implements AuditLog {
    @Override
    public void append(List<AuditRecord> records) {
      throw new IllegalStateException("audit table unreachable");
    }

    @Override
    public Page<AuditRecord> page(String t, AuditFilter f, PageRequest p) {
      return new Page<>(List.of(), null);
    }

    @Override
    public List<AuditRecord> records(String t, Instant from, Instant to) {
      return List.of();
    }

    @Override
    public List<AuditDigest> digests(String t, Instant from, Instant to) {
      return List.of();
    }

    @Override
    public Optional<AuditDigest> digestBefore(String t, Instant hour) {
      return Optional.empty();
    }

    @Override
    public boolean seal(AuditDigest digest) {
      return false;
    }
  }

  /**
   * No control-plane request records after the fact any more: a change, a webhook's test event and
   * a redelivery write their record in their own transaction (not through the trail written after
   * the answer, which fails here), so each is answered as it was done. (The after-the-fact write
   * and its {@code audit-not-recorded} answer remain for reads and refused reports: usage-api's
   * tests.)
   */
  @Test
  void aTestEventIsRecordedWithItsDeliveryNotAfterIt() {
    String admin =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Unaudited\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");
    String webhook =
        given()
            .header("Authorization", "Bearer " + admin)
            .contentType("application/json")
            .body("{\"url\":\"https://203.0.113.10/hooks\",\"event_types\":[\"*\"]}")
            .when()
            .post("/api/webhooks")
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    given()
        .header("Authorization", "Bearer " + admin)
        .when()
        .post("/api/webhooks/" + webhook + "/test")
        .then()
        .statusCode(202)
        .body("event_type", equalTo("webhook.test"));
  }
}
