package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.FailingWrites;
import sh.kaiten.testing.LocalAwsResource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A control-plane change, its event (the outbox) and its audit record are one transaction: all three
 * are stored, or none is and the answer says the request was not applied.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalAwsResource.class, initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class TransactionalChangesTest {
  @Inject FailingWrites failing;

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    JsonPath created = given().header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json").body("{\"name\":\"Outbox Vendor\"}")
        .when().post("/api/tenants").then().statusCode(201).extract().jsonPath();
    admin = created.getString("admin_token.token");
    tenant = created.getString("id");
  }

  @AfterEach
  void disarm() {
    failing.disarm();
  }

  private ValidatableResponse send(String method, String path, String body) {
    var request = given().header("Authorization", "Bearer " + admin);
    if (body != null) {
      request.contentType("application/json").body(body);
    }
    return request.when().request(method, path).then();
  }

  /** The tenant's outbox items, as the stream will hand them to the publisher. */
  private List<Map<String, AttributeValue>> outbox() {
    var aws = LocalAwsResource.localAws();
    return aws.dynamo().scanPaginator(r -> r.tableName(aws.resources().ref("OutboxTable"))).items().stream()
        .filter(item -> tenant.equals(item.get("tenant_id").s())).toList();
  }

  @Test
  void aChangeIsStoredWithItsEventInTheOutboxAndItsAuditRecord() {
    String customer = send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");

    List<Map<String, AttributeValue>> outbox = outbox();
    assertThat(outbox).hasSize(1);
    Map<String, AttributeValue> item = outbox.get(0);
    JsonPath message = JsonPath.from(item.get("message").s());
    assertThat(item.get("type").s()).isEqualTo("customer.created");
    assertThat(message.getString("id")).isEqualTo(item.get("event_id").s()).startsWith("evt_");
    assertThat(message.getString("type")).isEqualTo("customer.created");
    assertThat(message.getString("tenant_id")).isEqualTo(tenant);
    assertThat(message.getString("data.customer_id")).isEqualTo(customer);
    assertThat(Long.parseLong(item.get("expires_at").n()))
        .isBetween(java.time.Instant.now().plus(java.time.Duration.ofDays(7)).getEpochSecond() - 60,
            java.time.Instant.now().plus(java.time.Duration.ofDays(7)).getEpochSecond() + 1);

    JsonPath trail = send("GET", "/api/audit?type=customer.created", null).statusCode(200).extract().jsonPath();
    assertThat(trail.getList("items")).hasSize(1);
    assertThat(trail.getMap("items[0].result")).isEqualTo(Map.of("status", 201, "id", customer));
    assertThat(trail.getString("items[0].request.method")).isEqualTo("POST");
    assertThat(trail.getString("items[0].request.path")).isEqualTo("/api/customers");
    assertThat(trail.getString("items[0].request.body.name")).isEqualTo("Acme");
  }

  /** Issue 14: the customer was stored, the publish failed after it, and the answer said "not applied". */
  @Test
  void aChangeIsAppliedAndAnsweredSoWhileTheEventsQueueIsDownAndItsEventGoesOutOnceWithItsStoredId() {
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("EventsQueue"));

    String customer = send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");

    String stored = outbox().get(0).get("event_id").s();
    List<com.fasterxml.jackson.databind.JsonNode> published = EventsQueue.take(tenant);
    assertThat(published).extracting(event -> event.get("id").asText()).containsExactly(stored);
    assertThat(published.get(0).get("data").get("customer_id").asText()).isEqualTo(customer);
    assertThat(EventsQueue.take(tenant)).isEmpty();
    send("GET", "/api/audit?type=customer.created", null).statusCode(200).body("items.result.id", equalTo(List.of(customer)));
  }

  @Test
  void aChangeWhoseAuditRecordCannotBeWrittenIsNotStoredAndTheAnswerSaysSo() {
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("AuditTable"));

    send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(500)
        .contentType("application/problem+json")
        .body("type", endsWith("/internal-error"))
        .body("detail", equalTo("the request failed unexpectedly; it was not applied"));

    send("GET", "/api/customers", null).statusCode(200).body("items", equalTo(List.of()));
    assertThat(outbox()).isEmpty();
    send("GET", "/api/audit", null).statusCode(200).body("items.type", equalTo(List.of("tenant.created")));
  }

  @Test
  void aChangeWhoseEventCannotBeWrittenIsNotStoredEither() {
    String customer = send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("OutboxTable"));

    send("PATCH", "/api/customers/" + customer, "{\"name\":\"Acme Corp\"}").statusCode(500)
        .body("detail", equalTo("the request failed unexpectedly; it was not applied"));

    send("GET", "/api/customers/" + customer, null).statusCode(200).body("name", equalTo("Acme"));
    assertThat(outbox()).extracting(item -> item.get("type").s()).containsExactly("customer.created");
    send("GET", "/api/audit", null).statusCode(200)
        .body("items.type", equalTo(List.of("customer.created", "tenant.created")));
  }
}
