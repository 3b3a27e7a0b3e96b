package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.DigestKey;
import sh.kaiten.domain.auditing.AuditSealer;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.runtime.KaitenConfig;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.LocalAwsResource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit trail through admin-api on DynamoDB Local: control-plane changes recorded with who,
 * what and the outcome; the query filters and pages; and verification catching records and digests
 * changed or deleted behind the API's back.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class AuditApiTest {
  @Inject AuditLog log;
  @Inject KaitenConfig config;
  @Inject DynamoRequests requests;
  @Inject Auditing auditing;

  private String admin;
  private String adminTokenId;
  private Tenant tenant;

  @BeforeEach
  void tenant() {
    JsonPath created =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Audited Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    admin = created.getString("admin_token.token");
    adminTokenId = created.getString("admin_token.id");
    tenant =
        new Tenant(
            created.getString("id"),
            "Audited Vendor",
            Instant.parse(created.getString("created_at")));
  }

  private ValidatableResponse send(String method, String path, String body) {
    var request =
        given().header("Authorization", "Bearer " + admin).contentType("application/json");
    if (body != null) {
      request.body(body);
    }
    return request.when().request(method, path).then();
  }

  private ValidatableResponse get(String path) {
    return send("GET", path, null);
  }

  /**
   * Seven changes: entitlement created and renamed, a tier, a customer, a license and an instance.
   */
  private String changeTheCatalog() {
    send(
            "POST",
            "/api/entitlements",
            "{\"slug\":\"seats\",\"name\":\"Seats\",\"type\":\"NUMERIC\"}")
        .statusCode(201);
    send("PATCH", "/api/entitlements/seats", "{\"name\":\"Named seats\"}").statusCode(200);
    send(
            "POST",
            "/api/tiers",
            "{\"slug\":\"team\",\"name\":\"Team\",\"rank\":1,\"entitlements\":{\"seats\":5}}")
        .statusCode(201);
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Globex\"}")
            .statusCode(201)
            .extract()
            .path("id");
    String license =
        send("POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"team\"}")
            .statusCode(201)
            .extract()
            .path("id");
    send("POST", "/api/instances", "{\"id\":\"globex-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(201);
    return license;
  }

  @Test
  void everyControlPlaneChangeIsRecordedWithWhoWhatAndWhatCameOfIt() {
    String license = changeTheCatalog();

    JsonPath trail = get("/api/audit").statusCode(200).extract().jsonPath();
    assertThat(trail.getList("items.type", String.class))
        .containsExactly(
            "instance.created",
            "license.created",
            "customer.created",
            "tier.created",
            "entitlement.updated",
            "entitlement.created",
            "tenant.created");
    assertThat(trail.getList("items.actor", String.class))
        .containsExactly(
            adminTokenId,
            adminTokenId,
            adminTokenId,
            adminTokenId,
            adminTokenId,
            adminTokenId,
            "bootstrap");

    Map<String, Object> renamed = trail.getMap("items[4]");
    assertThat(renamed.get("entitlements")).isEqualTo(List.of("seats"));
    assertThat(renamed.get("request"))
        .isEqualTo(
            Map.of(
                "method",
                "PATCH",
                "path",
                "/api/entitlements/seats",
                "body",
                Map.of("name", "Named seats")));
    assertThat(renamed.get("result")).isEqualTo(Map.of("status", 200, "id", "seats"));
    assertThat((String) renamed.get("request_id")).isNotBlank();
    assertThat((String) renamed.get("hash")).matches("[0-9a-f]{64}");
    assertThat(trail.getString("items[0].instance_id")).isEqualTo("globex-prod");
    assertThat(trail.getMap("items[1].result")).isEqualTo(Map.of("status", 201, "id", license));
    assertThat(trail.getString("items[6].request.body.name")).isEqualTo("Audited Vendor");
  }

  @Test
  void theTrailIsFilteredByInstanceEntitlementTypeAndTimeAndPagedNewestFirst() {
    Instant before = Instant.now();
    changeTheCatalog();

    get("/api/audit?type=entitlement.created")
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].entitlements", equalTo(List.of("seats")));
    get("/api/audit?entitlement=seats")
        .statusCode(200)
        .body("items.type", equalTo(List.of("entitlement.updated", "entitlement.created")));
    get("/api/instances/globex-prod/audit")
        .statusCode(200)
        .body("items.type", equalTo(List.of("instance.created")));
    get("/api/audit?to=" + before)
        .statusCode(200)
        .body("items.type", equalTo(List.of("tenant.created")));
    get("/api/audit?from=" + before + "&type=tenant.created")
        .statusCode(200)
        .body("items", hasSize(0));

    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonPath page =
          get("/api/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(3);
      paged.addAll(page.getList("items.id", String.class));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    List<String> all =
        get("/api/audit?limit=200").extract().jsonPath().getList("items.id", String.class);
    assertThat(paged).hasSize(7).isEqualTo(all);
    assertThat(all).isSortedAccordingTo((a, b) -> b.compareTo(a));

    get("/api/audit?limit=201").statusCode(400).body("field", equalTo("limit"));
    get("/api/audit?from=yesterday").statusCode(400).body("field", equalTo("from"));
    get("/api/audit?cursor=bm9wZQ").statusCode(400).body("field", equalTo("cursor"));
  }

  @Test
  void anotherTenantSeesNoneOfTheTrail() {
    changeTheCatalog();
    String mine = admin;
    tenant();

    get("/api/audit").statusCode(200).body("items.type", equalTo(List.of("tenant.created")));
    get("/api/instances/globex-prod/audit")
        .statusCode(404)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/not-found"))
        .body("detail", equalTo("instance 'globex-prod' does not exist"));
    admin = mine;
    get("/api/audit").statusCode(200).body("items", hasSize(7));
    get("/api/instances/nobody/audit")
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("instance 'nobody' does not exist"));
  }

  @Test
  void aChangeIsOneWriteWithItsEventAndItsAuditRecord() {
    changeTheCatalog();
    requests.clear();
    send("PATCH", "/api/entitlements/seats", "{\"name\":\"Seats again\"}").statusCode(200);

    // The entitlement, its outbox event and its audit record: one TransactWriteItems, nothing else
    // written.
    assertThat(requests.operations())
        .filteredOn(operation -> !operation.startsWith("Get") && !operation.equals("Query"))
        .containsExactly("TransactWriteItems");
  }

  @Test
  void whatOneRequestRecordsIsWrittenInOneRequestWhateverItsSize() {
    List<AuditEntry> slices =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    new AuditEntry(
                        "usage.reported",
                        "globex-prod",
                        List.of("seats"),
                        "{\"events\":[]}",
                        "{\"results\":[]}"))
            .toList();
    requests.clear();
    auditing.record(tenant.id(), adminTokenId, "req-1", slices);

    assertThat(requests.operations()).containsExactly("TransactWriteItems");
    get("/api/audit?type=usage.reported")
        .statusCode(200)
        .body("items", hasSize(10))
        .body("items.request_id", equalTo(Collections.nCopies(10, "req-1")));
  }

  @Test
  void checkTalliesAreQueriedByTheirTypeAndEntitlement() {
    changeTheCatalog(); // the instance globex-prod, whose trail is read below
    String checks =
        "{\"checks_id\":\"chk-1\",\"tallies\":[{\"entitlement\":\"sso\",\"minute\":\"2026-12-04T01:02:00Z\","
            + "\"allowed\":true,\"reason\":\"GRANTED\",\"count\":1234}]}";
    auditing.record(
        tenant.id(),
        "tok_sdk",
        "req-1",
        List.of(
            new AuditEntry(
                "usage.reported",
                "globex-prod",
                List.of("seats"),
                "{\"events\":[]}",
                "{\"results\":[]}"),
            new AuditEntry(
                "entitlement.checked",
                "globex-prod",
                List.of("sso"),
                checks,
                "{\"checks\":1234,\"allowed\":1234,\"refused\":0}")));
    auditing.record(
        tenant.id(),
        "tok_sdk",
        "req-2",
        List.of(
            new AuditEntry(
                "entitlement.checked",
                "globex-prod",
                List.of("seats", "never-defined"),
                "{\"checks_id\":\"chk-2\",\"tallies\":[]}",
                "{\"checks\":9,\"allowed\":0,\"refused\":9}"),
            new AuditEntry(
                "entitlement.checked",
                "initech-prod",
                List.of("sso"),
                "{\"checks_id\":\"chk-3\",\"tallies\":[]}",
                "{\"checks\":1,\"allowed\":1,\"refused\":0}")));

    // (records of one write, or of writes in the same millisecond, have no order among themselves)
    get("/api/audit?type=entitlement.checked&entitlement=sso")
        .statusCode(200)
        .body("items.request.checks_id", containsInAnyOrder("chk-3", "chk-1"));
    JsonPath sso =
        get("/api/instances/globex-prod/audit?type=entitlement.checked&entitlement=sso")
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(sso.getList("items")).hasSize(1);
    assertThat(sso.getString("items[0].type")).isEqualTo("entitlement.checked");
    assertThat(sso.getString("items[0].instance_id")).isEqualTo("globex-prod");
    assertThat(sso.getList("items[0].entitlements")).containsExactly("sso");
    assertThat(sso.getMap("items[0].request"))
        .isEqualTo(
            Map.of(
                "checks_id",
                "chk-1",
                "tallies",
                List.of(
                    Map.of(
                        "entitlement",
                        "sso",
                        "minute",
                        "2026-12-04T01:02:00Z",
                        "allowed",
                        true,
                        "reason",
                        "GRANTED",
                        "count",
                        1234))));
    assertThat(sso.getMap("items[0].result"))
        .isEqualTo(Map.of("checks", 1234, "allowed", 1234, "refused", 0));
    assertThat(sso.getString("items[0].request_id")).isEqualTo("req-1");
    get("/api/instances/globex-prod/audit?type=entitlement.checked")
        .statusCode(200)
        .body("items.request.checks_id", containsInAnyOrder("chk-2", "chk-1"));
    get("/api/audit?type=entitlement.checked&entitlement=never-defined")
        .statusCode(200)
        .body("items.request.checks_id", equalTo(List.of("chk-2")));
    get("/api/audit?type=usage.reported&entitlement=sso").statusCode(200).body("items", hasSize(0));
  }

  @Test
  void aSealedTrailVerifiesAndAChangedRecordIsNamed() {
    changeTheCatalog();
    seal();
    verify()
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("records_checked", equalTo(7))
        .body("first_failure", nullValue());

    String changed = recordIds().get(2);
    dynamo()
        .updateItem(
            r ->
                r.tableName(config.table().audit())
                    .key(key("RECORD#" + changed))
                    .updateExpression("SET #result = :forged")
                    .expressionAttributeNames(Map.of("#result", "result"))
                    .expressionAttributeValues(
                        Map.of(
                            ":forged",
                            AttributeValue.fromS("{\"status\":201,\"id\":\"forged\"}"))));

    verify()
        .statusCode(200)
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("RECORD_CHANGED"))
        .body("first_failure.record_id", equalTo(changed));
  }

  @Test
  void aRecordChangedWithAFreshHashIsCaughtByTheDigest() {
    changeTheCatalog();
    seal();
    AuditRecord original = stored().get(3);
    AuditRecord forged =
        new AuditRecord(
            original.id(),
            original.tenantId(),
            original.at(),
            "tok_someone_else",
            original.type(),
            original.instanceId(),
            original.entitlements(),
            original.request(),
            original.result(),
            original.requestId(),
            original.expiresAt(),
            null);
    dynamo()
        .updateItem(
            r ->
                r.tableName(config.table().audit())
                    .key(key("RECORD#" + original.id()))
                    .updateExpression("SET actor = :actor, #hash = :hash")
                    .expressionAttributeNames(Map.of("#hash", "hash"))
                    .expressionAttributeValues(
                        Map.of(
                            ":actor",
                            AttributeValue.fromS("tok_someone_else"),
                            ":hash",
                            AttributeValue.fromS(forged.computedHash()))));

    verify()
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("RECORD_CHANGED"))
        .body("first_failure.record_id", equalTo(original.id()));
  }

  @Test
  void aDeletedRecordIsNamed() {
    changeTheCatalog();
    seal();
    String deleted = recordIds().get(4);
    dynamo().deleteItem(r -> r.tableName(config.table().audit()).key(key("RECORD#" + deleted)));

    verify()
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("RECORD_MISSING"))
        .body("first_failure.record_id", equalTo(deleted));
  }

  @Test
  void aRecordSlippedInAfterSealingAndAChangedDigestAreCaught() {
    changeTheCatalog();
    seal();
    AuditRecord sealed = stored().get(0);
    AuditRecord slipped =
        new AuditRecord(
            sealed.id() + "x",
            sealed.tenantId(),
            sealed.at(),
            sealed.actor(),
            sealed.type(),
            sealed.instanceId(),
            sealed.entitlements(),
            sealed.request(),
            sealed.result(),
            sealed.requestId(),
            sealed.expiresAt(),
            null);
    log.append(
        List.of(
            new AuditRecord(
                slipped.id(),
                slipped.tenantId(),
                slipped.at(),
                slipped.actor(),
                slipped.type(),
                slipped.instanceId(),
                slipped.entitlements(),
                slipped.request(),
                slipped.result(),
                slipped.requestId(),
                slipped.expiresAt(),
                slipped.computedHash())));

    verify()
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("RECORD_NOT_SEALED"))
        .body("first_failure.record_id", equalTo(slipped.id()));

    String digestKey = "DIGEST#" + sealed.at().truncatedTo(ChronoUnit.HOURS) + "#0001";
    dynamo()
        .updateItem(
            r ->
                r.tableName(config.table().audit())
                    .key(key(digestKey))
                    .updateExpression("SET sealed_at = :later")
                    .expressionAttributeValues(
                        Map.of(
                            ":later",
                            AttributeValue.fromS(Instant.now().plusSeconds(99).toString()))));
    verify()
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("DIGEST_CHANGED"))
        .body("first_failure.record_id", nullValue())
        .body("first_failure.hour", notNullValue());
  }

  @Test
  void aDigestSignedWithAnotherKeyIsNamedForged() {
    changeTheCatalog();
    seal();
    Instant hour = stored().get(0).at().truncatedTo(ChronoUnit.HOURS);
    String digestKey = "DIGEST#" + hour + "#0001";
    String otherSignature =
        new DigestKey("y".repeat(48))
            .sign(log.digests(tenant.id(), hour, hour.plusSeconds(3600)).get(0).hash());
    dynamo()
        .updateItem(
            r ->
                r.tableName(config.table().audit())
                    .key(key(digestKey))
                    .updateExpression("SET signature = :other")
                    .expressionAttributeValues(
                        Map.of(":other", AttributeValue.fromS(otherSignature))));

    verify()
        .body("valid", equalTo(false))
        .body("first_failure.kind", equalTo("DIGEST_FORGED"))
        .body("first_failure.hour", equalTo(hour.toString()));
  }

  @Test
  void verifyNeedsABoundedRange() {
    get("/api/audit/verify").statusCode(400).body("field", equalTo("from"));
    get("/api/audit/verify?from=" + Instant.now().minus(Duration.ofDays(8)))
        .statusCode(400)
        .body("field", equalTo("to"));
    get("/api/audit/verify?from=" + Instant.now().minusSeconds(60))
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("from", matchesPattern(".+Z"));
  }

  /** The scheduler's job, run as if two hours had passed, so the current hour is sealed. */
  private void seal() {
    AuditSealer.SealRun run =
        new AuditSealer(
                log,
                page -> new Page<>(List.of(tenant), null),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(2)),
                Duration.ofDays(400),
                new DigestKey(config.audit().digestKey().orElseThrow()))
            .sealDue();
    assertThat(run.failures()).isEmpty();
    assertThat(run.sealed()).isNotEmpty();
  }

  private ValidatableResponse verify() {
    return get("/api/audit/verify?from=" + tenant.createdAt().truncatedTo(ChronoUnit.HOURS))
        .statusCode(200);
  }

  private List<AuditRecord> stored() {
    return log.records(
        tenant.id(),
        tenant.createdAt().truncatedTo(ChronoUnit.HOURS),
        Instant.now().plusSeconds(1));
  }

  private List<String> recordIds() {
    return stored().stream().map(AuditRecord::id).toList();
  }

  private Map<String, AttributeValue> key(String sk) {
    return Map.of(
        "pk", AttributeValue.fromS("TENANT#" + tenant.id()), "sk", AttributeValue.fromS(sk));
  }

  private static DynamoDbClient dynamo() {
    return LocalAwsResource.localAws().dynamo();
  }
}
