package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

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
import sh.kaiten.domain.catalog.Page;
import sh.kaiten.domain.catalog.PageRequest;
import sh.kaiten.testing.LocalAwsResource;

/**
 * When the audit record cannot be written, the answer is a 500 that says the request was carried
 * out (the write before it is not undone), never the generic "not applied".
 */
@QuarkusTest
@TestProfile(UnwritableAuditTest.Unwritable.class)
@QuarkusTestResource(value = LocalAwsResource.class, initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
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
    @Override public void append(List<AuditRecord> records) { throw new IllegalStateException("audit table unreachable"); }
    @Override public Page<AuditRecord> page(String t, AuditFilter f, PageRequest p) { return new Page<>(List.of(), null); }
    @Override public List<AuditRecord> records(String t, Instant from, Instant to) { return List.of(); }
    @Override public List<AuditDigest> digests(String t, Instant from, Instant to) { return List.of(); }
    @Override public Optional<AuditDigest> digestBefore(String t, Instant hour) { return Optional.empty(); }
    @Override public boolean seal(AuditDigest digest) { return false; }
  }

  /**
   * A webhook's test event is recorded after its delivery is on its way (a change of the tenant's
   * records is not: it writes its record in its own transaction, so creating the tenant and its
   * webhook here is answered 201).
   */
  @Test
  void aRequestWhoseRecordCannotBeWrittenIsAnsweredAsCarriedOutButNotRecorded() {
    String admin = given().header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json").body("{\"name\":\"Unaudited\"}").when().post("/api/tenants")
        .then().statusCode(201).extract().path("admin_token.token");
    String webhook = given().header("Authorization", "Bearer " + admin).contentType("application/json")
        .body("{\"url\":\"https://203.0.113.10/hooks\",\"event_types\":[\"*\"]}").when().post("/api/webhooks")
        .then().statusCode(201).extract().path("id");

    given().header("Authorization", "Bearer " + admin).when().post("/api/webhooks/" + webhook + "/test")
        .then().statusCode(500).contentType("application/problem+json")
        .body("type", endsWith("/audit-not-recorded"))
        .body("detail", containsString("carried out"));
  }
}
