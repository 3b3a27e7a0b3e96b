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
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.FailingWrites;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A control-plane change, its event (the outbox) and its audit record are one transaction: all
 * three are stored, or none is and the answer says the request was not applied.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class TransactionalChangesTest {
  @Inject FailingWrites failing;

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    JsonPath created =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Outbox Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
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
    return aws
        .dynamo()
        .scanPaginator(r -> r.tableName(aws.resources().ref("OutboxTable")))
        .items()
        .stream()
        .filter(item -> tenant.equals(item.get("tenant_id").s()))
        .toList();
  }

  @Test
  void aChangeIsStoredWithItsEventInTheOutboxAndItsAuditRecord() {
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");

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
        .isBetween(
            java.time.Instant.now().plus(java.time.Duration.ofDays(7)).getEpochSecond() - 60,
            java.time.Instant.now().plus(java.time.Duration.ofDays(7)).getEpochSecond() + 1);

    JsonPath trail =
        send("GET", "/api/audit?type=customer.created", null).statusCode(200).extract().jsonPath();
    assertThat(trail.getList("items")).hasSize(1);
    assertThat(trail.getMap("items[0].result")).isEqualTo(Map.of("status", 201, "id", customer));
    assertThat(trail.getString("items[0].request.method")).isEqualTo("POST");
    assertThat(trail.getString("items[0].request.path")).isEqualTo("/api/customers");
    assertThat(trail.getString("items[0].request.body.name")).isEqualTo("Acme");
  }

  /**
   * Issue 14: the customer was stored, the publish failed after it, and the answer said "not
   * applied".
   */
  @Test
  void
      aChangeIsAppliedAndAnsweredSoWhileTheEventsQueueIsDownAndItsEventGoesOutOnceWithItsStoredId() {
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("EventsQueue"));

    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");

    String stored = outbox().get(0).get("event_id").s();
    List<com.fasterxml.jackson.databind.JsonNode> published = EventsQueue.take(tenant);
    assertThat(published).extracting(event -> event.get("id").asText()).containsExactly(stored);
    assertThat(published.get(0).get("data").get("customer_id").asText()).isEqualTo(customer);
    assertThat(EventsQueue.take(tenant)).isEmpty();
    send("GET", "/api/audit?type=customer.created", null)
        .statusCode(200)
        .body("items.result.id", equalTo(List.of(customer)));
  }

  @Test
  void aChangeWhoseAuditRecordCannotBeWrittenIsNotStoredAndTheAnswerSaysSo() {
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("AuditTable"));

    send("POST", "/api/customers", "{\"name\":\"Acme\"}")
        .statusCode(500)
        .contentType("application/problem+json")
        .body("type", endsWith("/internal-error"))
        .body("detail", equalTo("the request failed unexpectedly; it was not applied"));

    send("GET", "/api/customers", null).statusCode(200).body("items", equalTo(List.of()));
    assertThat(outbox()).isEmpty();
    send("GET", "/api/audit", null)
        .statusCode(200)
        .body("items.type", equalTo(List.of("tenant.created")));
  }

  @Test
  void aChangeWhoseEventCannotBeWrittenIsNotStoredEither() {
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("OutboxTable"));

    send("PATCH", "/api/customers/" + customer, "{\"name\":\"Acme Corp\"}")
        .statusCode(500)
        .body("detail", equalTo("the request failed unexpectedly; it was not applied"));

    send("GET", "/api/customers/" + customer, null).statusCode(200).body("name", equalTo("Acme"));
    assertThat(outbox())
        .extracting(item -> item.get("type").s())
        .containsExactly("customer.created");
    send("GET", "/api/audit", null)
        .statusCode(200)
        .body("items.type", equalTo(List.of("customer.created", "tenant.created")));
  }

  private static final String NOT_APPLIED = "the request failed unexpectedly; it was not applied";
  private static final String WEBHOOK =
      "{\"url\":\"https://203.0.113.10/hooks\",\"event_types\":[\"*\"]}";

  private String auditTable() {
    return LocalAwsResource.localAws().resources().ref("AuditTable");
  }

  /** The tenant's audit trail, newest first, as (type, result id). */
  private List<String> trail() {
    JsonPath trail = send("GET", "/api/audit", null).statusCode(200).extract().jsonPath();
    List<String> types = trail.getList("items.type");
    List<Object> ids = trail.getList("items.result.id");
    return java.util.stream.IntStream.range(0, types.size())
        .mapToObj(i -> types.get(i) + " " + ids.get(i))
        .toList();
  }

  /**
   * Issue 14: token, webhook and tenant changes wrote their audit record after the change, in a
   * second write.
   */
  @Test
  void tokenAndWebhookChangesAreStoredWithTheirAuditRecords() {
    String token = send("POST", "/api/tokens", null).statusCode(201).extract().path("id");
    send("DELETE", "/api/tokens/" + token, null).statusCode(204);
    String webhook = send("POST", "/api/webhooks", WEBHOOK).statusCode(201).extract().path("id");
    send("PATCH", "/api/webhooks/" + webhook, "{\"description\":\"Billing\"}").statusCode(200);
    send("POST", "/api/webhooks/" + webhook + "/rotate-secret", null).statusCode(200);
    send("DELETE", "/api/webhooks/" + webhook, null).statusCode(204);

    assertThat(trail())
        .containsExactly(
            "webhook.deleted " + webhook,
            "webhook.secret_rotated " + webhook,
            "webhook.updated " + webhook,
            "webhook.created " + webhook,
            "token.revoked " + token,
            "token.created " + token,
            "tenant.created " + tenant);
    JsonPath created =
        send("GET", "/api/audit?type=token.created", null).statusCode(200).extract().jsonPath();
    assertThat(created.getMap("items[0].result")).isEqualTo(Map.of("status", 201, "id", token));
    assertThat(created.getString("items[0].request.path")).isEqualTo("/api/tokens");
    assertThat(outbox()).isEmpty();
  }

  @Test
  void aTokenWhoseAuditRecordCannotBeWrittenIsNotCreatedAndARevocationNotMade() {
    String kept = send("POST", "/api/tokens", null).statusCode(201).extract().path("id");
    failing.failNextWriteTo(auditTable());

    send("POST", "/api/tokens", null)
        .statusCode(500)
        .contentType("application/problem+json")
        .body("detail", equalTo(NOT_APPLIED));
    failing.failNextWriteTo(auditTable());
    send("DELETE", "/api/tokens/" + kept, null)
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));

    assertThat(
            send("GET", "/api/tokens", null)
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("tokens.id", String.class))
        .hasSize(2)
        .contains(kept);
    assertThat(trail()).containsExactly("token.created " + kept, "tenant.created " + tenant);
  }

  @Test
  void aWebhookChangeWhoseAuditRecordCannotBeWrittenIsNotStored() {
    failing.failNextWriteTo(auditTable());
    send("POST", "/api/webhooks", WEBHOOK).statusCode(500).body("detail", equalTo(NOT_APPLIED));
    send("GET", "/api/webhooks", null).statusCode(200).body("items", equalTo(List.of()));

    String webhook = send("POST", "/api/webhooks", WEBHOOK).statusCode(201).extract().path("id");
    failing.failNextWriteTo(auditTable());
    send("DELETE", "/api/webhooks/" + webhook, null)
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));
    send("GET", "/api/webhooks/" + webhook, null).statusCode(200);
    assertThat(trail()).containsExactly("webhook.created " + webhook, "tenant.created " + tenant);
  }

  @Test
  void aTenantWhoseAuditRecordCannotBeWrittenIsNotCreated() {
    String name = "Unrecorded " + java.util.UUID.randomUUID();
    var aws = LocalAwsResource.localAws();
    long tokensBefore =
        aws.dynamo().scan(r -> r.tableName(aws.resources().ref("TokensTable"))).count();
    failing.failNextWriteTo(auditTable());

    given()
        .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json")
        .body("{\"name\":\"" + name + "\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));

    assertThat(
            aws
                .dynamo()
                .scanPaginator(r -> r.tableName(aws.resources().ref("CatalogTable")))
                .items()
                .stream()
                .filter(item -> item.containsKey("name") && name.equals(item.get("name").s())))
        .isEmpty();
    assertThat(aws.dynamo().scan(r -> r.tableName(aws.resources().ref("TokensTable"))).count())
        .isEqualTo(tokensBefore);
  }

  /**
   * A token change that announces an event (an instance's token rotated: {@code instance.updated}):
   * with the events queue down it is applied and answered so, its record is there, and its event
   * goes out once, with the id stored with the change, when the queue is back.
   */
  @Test
  void aTokenRotationIsAnsweredWhileTheEventsQueueIsDownAndItsEventGoesOutOnceWithItsStoredId() {
    send(
            "POST",
            "/api/tiers",
            "{\"slug\":\"basic\",\"name\":\"Basic\",\"rank\":1,\"entitlements\":{}}")
        .statusCode(201);
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    String license =
        send("POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"basic\"}")
            .statusCode(201)
            .extract()
            .path("id");
    send("POST", "/api/instances", "{\"id\":\"outbox-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(201);
    assertThat(EventsQueue.take(tenant)).hasSize(4);
    OutboxStream.failNextSendOf(tenant);

    String token =
        send("POST", "/api/instances/outbox-prod/token", null).statusCode(201).extract().path("id");

    List<String> stored =
        outbox().stream()
            .filter(item -> item.get("type").s().equals("instance.updated"))
            .map(item -> item.get("event_id").s())
            .toList();
    assertThat(stored).hasSize(1);
    assertThat(OutboxStream.publish()).isFalse();
    List<com.fasterxml.jackson.databind.JsonNode> published = EventsQueue.take(tenant);
    assertThat(published)
        .extracting(event -> event.get("id").asText())
        .containsExactlyElementsOf(stored);
    assertThat(published.get(0).get("data").get("token_rotated").asBoolean()).isTrue();
    assertThat(EventsQueue.take(tenant)).isEmpty();
    assertThat(trail().get(0)).isEqualTo("instance.token_rotated outbox-prod");
    assertThat(
            send("GET", "/api/audit?type=instance.token_rotated", null)
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items"))
        .hasSize(1);
    assertThat(token).startsWith("tok_");
  }

  @Inject WebhookStore webhooks;

  /**
   * The tickets of this tenant on the deliveries queue, taken off it; the outbox's are put there
   * first.
   */
  private List<DeliveryTicket> takeTickets() {
    OutboxStream.publish();
    var aws = LocalAwsResource.localAws();
    String queue = aws.resources().ref("DeliveriesQueue");
    List<DeliveryTicket> tickets = new java.util.ArrayList<>();
    List<software.amazon.awssdk.services.sqs.model.Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
      for (var message : batch) {
        var body = SqsDeliveryQueue.parse(message.body());
        if (body.path("tenant_id").asText().equals(tenant)) {
          tickets.add(SqsDeliveryQueue.fromJson(body));
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return tickets;
  }

  /** The deliveries queue is down: for admin-api's own sends, and for the outbox's publisher. */
  private void deliveriesQueueDown() {
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("DeliveriesQueue"));
    OutboxStream.failNextSendOf(tenant);
  }

  /**
   * Issue 14: a test event's delivery was stored, then its enqueue failed and the answer said "not
   * applied", leaving a PENDING delivery never sent (and one that redeliver refuses); its record
   * came after, in a second write. Now the delivery, its ticket (the outbox) and its record are one
   * transaction.
   */
  @Test
  void
      aTestEventAndARedeliveryAreAnsweredWhileTheDeliveriesQueueIsDownAndEachIsSentOnceWithItsRecord() {
    takeTickets();
    String webhook = send("POST", "/api/webhooks", WEBHOOK).statusCode(201).extract().path("id");
    deliveriesQueueDown();

    String delivery =
        send("POST", "/api/webhooks/" + webhook + "/test", null)
            .statusCode(202)
            .body("status", equalTo("PENDING"))
            .extract()
            .path("id");

    assertThat(OutboxStream.publish()).isFalse();
    assertThat(takeTickets()).containsExactly(new DeliveryTicket(tenant, webhook, delivery, 0));
    assertThat(takeTickets()).isEmpty();
    assertThat(trail().get(0)).isEqualTo("webhook.tested " + delivery);
    JsonPath tested =
        send("GET", "/api/audit?type=webhook.tested", null).statusCode(200).extract().jsonPath();
    assertThat(tested.getList("items")).hasSize(1);
    assertThat(tested.getMap("items[0].result")).isEqualTo(Map.of("status", 202, "id", delivery));
    assertThat(tested.getString("items[0].request.path"))
        .isEqualTo("/api/webhooks/" + webhook + "/test");

    webhooks.recordAttempt(
        tenant,
        new DeliveryTicket(tenant, webhook, delivery, 0),
        new AttemptResult(500, 12, "answered 500"),
        DeliveryStatus.FAILED,
        java.time.Instant.now());
    deliveriesQueueDown();

    send("POST", "/api/webhooks/" + webhook + "/deliveries/" + delivery + "/redeliver", null)
        .statusCode(202)
        .body("id", equalTo(delivery))
        .body("status", equalTo("PENDING"));

    assertThat(OutboxStream.publish()).isFalse();
    assertThat(takeTickets()).containsExactly(new DeliveryTicket(tenant, webhook, delivery, 1));
    assertThat(takeTickets()).isEmpty();
    assertThat(trail().subList(0, 2))
        .containsExactly("webhook.redelivered " + delivery, "webhook.tested " + delivery);
    send("GET", "/api/webhooks/" + webhook + "/deliveries", null)
        .statusCode(200)
        .body("items.id", equalTo(List.of(delivery)))
        .body("items[0].status", equalTo("PENDING"));
  }

  @Test
  void aTestEventWhoseAuditRecordCannotBeWrittenStoresNoDeliveryAndSendsNothing() {
    takeTickets();
    String webhook = send("POST", "/api/webhooks", WEBHOOK).statusCode(201).extract().path("id");
    failing.failNextWriteTo(auditTable());

    send("POST", "/api/webhooks/" + webhook + "/test", null)
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));

    send("GET", "/api/webhooks/" + webhook + "/deliveries", null)
        .statusCode(200)
        .body("items", equalTo(List.of()));
    assertThat(takeTickets()).isEmpty();
    assertThat(trail()).containsExactly("webhook.created " + webhook, "tenant.created " + tenant);
  }

  private String tokensTable() {
    return LocalAwsResource.localAws().resources().ref("TokensTable");
  }

  /** The token items of {@code tenantId} (or of every tenant, for null), as stored. */
  private List<Map<String, AttributeValue>> tokenItems(String tenantId) {
    var aws = LocalAwsResource.localAws();
    return aws
        .dynamo()
        .scanPaginator(r -> r.tableName(tokensTable()).consistentRead(true))
        .items()
        .stream()
        .filter(item -> tenantId == null || tenantId.equals(item.get("tenant_id").s()))
        .toList();
  }

  /** A license on a fresh tier, for instances. */
  private String license() {
    send(
            "POST",
            "/api/tiers",
            "{\"slug\":\"basic\",\"name\":\"Basic\",\"rank\":1,\"entitlements\":{}}")
        .statusCode(201);
    String customer =
        send("POST", "/api/customers", "{\"name\":\"Acme\"}").statusCode(201).extract().path("id");
    return send(
            "POST", "/api/licenses", "{\"customer_id\":\"" + customer + "\",\"tier\":\"basic\"}")
        .statusCode(201)
        .extract()
        .path("id");
  }

  /**
   * Issue 14: a tenant's first token was stored before the tenant, in a write of its own, and
   * removed again if the tenant was refused; a crash in between (here: the removal failing) left a
   * token with no tenant and no record. Now the token is in the tenant's transaction.
   */
  @Test
  void aTenantRefusedLeavesNoTokenEvenWhenNothingCouldCleanUpAfterIt() {
    int before = tokenItems(null).size();
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("CatalogTable"));
    failing.failNextPlainWriteTo(tokensTable());

    given()
        .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
        .contentType("application/json")
        .body("{\"name\":\"Never Stored\"}")
        .when()
        .post("/api/tenants")
        .then()
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));

    assertThat(tokenItems(null)).hasSize(before);
  }

  /** The same for an instance and its token. */
  @Test
  void anInstanceRefusedLeavesNoTokenEvenWhenNothingCouldCleanUpAfterIt() {
    String license = license();
    int before = tokenItems(tenant).size();
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("CatalogTable"));
    failing.failNextPlainWriteTo(tokensTable());

    send("POST", "/api/instances", "{\"id\":\"orphan-prod\",\"license_id\":\"" + license + "\"}")
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));

    assertThat(tokenItems(tenant)).hasSize(before);
    send("GET", "/api/instances/orphan-prod", null).statusCode(404);
    String token =
        send(
                "POST",
                "/api/instances",
                "{\"id\":\"orphan-prod\",\"license_id\":\"" + license + "\"}")
            .statusCode(201)
            .extract()
            .path("token.id");
    assertThat(tokenItems(tenant))
        .hasSize(before + 1)
        .anySatisfy(item -> assertThat(item.get("token_id").s()).isEqualTo(token));
  }

  /**
   * Issue 14: a deleted instance's tokens were removed after its transaction, one write each; a
   * failure in between answered "not applied" for a deleted instance and left its token live. Now
   * they go in its transaction: all of it is done, or none.
   */
  @Test
  void anInstanceIsDeletedWithItsTokensOrNotAtAll() {
    String license = license();
    String secret =
        send("POST", "/api/instances", "{\"id\":\"gone-prod\",\"license_id\":\"" + license + "\"}")
            .statusCode(201)
            .extract()
            .path("token.token");
    String tokenId =
        tokenItems(tenant).stream()
            .filter(
                item ->
                    item.containsKey("instance_id")
                        && item.get("instance_id").s().equals("gone-prod"))
            .findFirst()
            .orElseThrow()
            .get("token_id")
            .s();

    failing.failNextWriteTo(auditTable());
    send("DELETE", "/api/instances/gone-prod", null)
        .statusCode(500)
        .body("detail", equalTo(NOT_APPLIED));
    send("GET", "/api/instances/gone-prod", null).statusCode(200);
    assertThat(tokenItems(tenant))
        .anySatisfy(item -> assertThat(item.get("token_id").s()).isEqualTo(tokenId));

    failing.failNextPlainWriteTo(tokensTable());
    send("DELETE", "/api/instances/gone-prod", null).statusCode(204);

    send("GET", "/api/instances/gone-prod", null).statusCode(404);
    assertThat(tokenItems(tenant))
        .noneSatisfy(item -> assertThat(item.get("token_id").s()).isEqualTo(tokenId));
    given()
        .header("Authorization", "Bearer " + secret)
        .when()
        .get("/api/instances/gone-prod/usage/history")
        .then()
        .statusCode(401);
    assertThat(trail().get(0)).isEqualTo("instance.deleted gone-prod");
  }
}
