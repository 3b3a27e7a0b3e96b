package sh.kaiten.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.domain.webhooks.AttemptResult;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.DeliveryTicket;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Webhook endpoints through admin-api, with the deployment's default settings: private targets are
 * refused. Public targets are IP literals of a documentation range, so no test needs DNS.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "AdminApiFunction"))
class WebhooksApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String URL = "https://203.0.113.10/hooks";

  @Inject WebhookStore store;

  private String admin;
  private String tenant;

  @BeforeEach
  void tenant() {
    var created =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Vendor\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract();
    admin = created.path("admin_token.token");
    tenant = created.path("id");
  }

  private ValidatableResponse call(String method, String token, String path, String body) {
    var request = given().header("Authorization", "Bearer " + token);
    if (body != null) {
      request.contentType("application/json").body(body);
    }
    return request.when().request(method, path).then();
  }

  private JsonNode json(ValidatableResponse response) throws Exception {
    return JSON.readTree(response.extract().asString());
  }

  private String create(String body) {
    return call("POST", admin, "/api/webhooks", body).statusCode(201).extract().path("id");
  }

  private String create() {
    return create("{\"url\":\"" + URL + "\",\"event_types\":[\"*\"]}");
  }

  @Test
  void theSecretIsShownOnCreationOnlyAndNeverReadBack() throws Exception {
    var answer =
        call(
                "POST",
                admin,
                "/api/webhooks",
                "{\"url\":\""
                    + URL
                    + "\",\"description\":\"Billing\","
                    + "\"event_types\":[\"license.created\",\"usage.limit_reached\",\"license.created\"]}")
            .statusCode(201)
            .extract();
    JsonNode created = JSON.readTree(answer.asString());
    String id = created.path("id").asText();
    assertThat(answer.header("Location")).endsWith("/api/webhooks/" + id);
    String secret = created.path("secret").asText();

    assertThat(id).startsWith("wh_");
    assertThat(created.path("url").asText()).isEqualTo(URL);
    assertThat(created.path("description").asText()).isEqualTo("Billing");
    assertThat(created.path("event_types").toString())
        .isEqualTo("[\"license.created\",\"usage.limit_reached\"]");
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);

    String read =
        call("GET", admin, "/api/webhooks/" + id, null).statusCode(200).extract().asString();
    String listed = call("GET", admin, "/api/webhooks", null).statusCode(200).extract().asString();
    assertThat(read).doesNotContain(secret).doesNotContain("whsec_").doesNotContain("\"secret\"");
    assertThat(listed).doesNotContain(secret).doesNotContain("whsec_");
    assertThat(JSON.readTree(read).fieldNames())
        .toIterable()
        .containsExactly(
            "id",
            "url",
            "description",
            "event_types",
            "created_at",
            "updated_at",
            "previous_secret_expires_at");
    assertThat(store.findEndpoint(tenant, id).orElseThrow().secret()).isEqualTo(secret);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://203.0.113.10/hooks",
        "https://10.1.2.3/hooks",
        "https://127.0.0.1:8443/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "https://[fd12::1]/hooks",
        "ftp://203.0.113.10/hooks",
        "not a url",
        ""
      })
  void privateOrNonHttpsUrlsAreRefusedNamingUrlAndNothingIsStored(String url) {
    call("POST", admin, "/api/webhooks", "{\"url\":\"" + url + "\",\"event_types\":[\"*\"]}")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("url"));

    call("GET", admin, "/api/webhooks", null).statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void badEventTypesAndBodiesAreRefusedNamingTheField() {
    Map<String, String> refused =
        Map.of(
            "{\"url\":\"" + URL + "\",\"event_types\":[\"license.created\",\"license.exploded\"]}",
            "event_types[1]",
            "{\"url\":\"" + URL + "\",\"event_types\":[\"*\",\"license.created\"]}",
            "event_types",
            "{\"url\":\"" + URL + "\",\"event_types\":[]}",
            "event_types",
            "{\"url\":\"" + URL + "\"}",
            "event_types",
            "{\"event_types\":[\"*\"]}",
            "url",
            "{\"url\":\"" + URL + "\",\"event_types\":[\"*\"],\"secret\":\"whsec_mine\"}",
            "secret",
            "{\"url\":42,\"event_types\":[\"*\"]}",
            "url",
            "{\"url\":\""
                + URL
                + "\",\"event_types\":[\"*\"],\"description\":\""
                + "x".repeat(513)
                + "\"}",
            "description");
    refused.forEach(
        (body, field) ->
            call("POST", admin, "/api/webhooks", body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));

    call("GET", admin, "/api/webhooks", null).statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void theListPagesWithACursor() {
    List<String> ids = new ArrayList<>(List.of(create(), create(), create()));

    var first = call("GET", admin, "/api/webhooks?limit=2", null).statusCode(200).extract();
    List<String> firstIds = first.path("items.id");
    String cursor = first.path("next_cursor");
    var second =
        call("GET", admin, "/api/webhooks?limit=2&cursor=" + cursor, null)
            .statusCode(200)
            .body("next_cursor", nullValue())
            .extract();
    List<String> secondIds = second.path("items.id");

    assertThat(firstIds).hasSize(2);
    assertThat(secondIds).hasSize(1);
    List<String> all = new ArrayList<>(firstIds);
    all.addAll(secondIds);
    assertThat(all).containsExactlyElementsOf(ids.stream().sorted().toList());
    call("GET", admin, "/api/webhooks?limit=0", null)
        .statusCode(400)
        .body("field", equalTo("limit"));
    call("GET", admin, "/api/webhooks?cursor=bm9wZQ", null)
        .statusCode(400)
        .body("field", equalTo("cursor"));
  }

  @Test
  void aPatchChangesWhatItNamesAndABadOneChangesNothing() {
    String id =
        create("{\"url\":\"" + URL + "\",\"description\":\"Billing\",\"event_types\":[\"*\"]}");

    call(
            "PATCH",
            admin,
            "/api/webhooks/" + id,
            "{\"event_types\":[\"trial.expired\"],\"description\":null}")
        .statusCode(200)
        .body("event_types", equalTo(List.of("trial.expired")))
        .body("description", nullValue())
        .body("url", equalTo(URL));
    call("PATCH", admin, "/api/webhooks/" + id, "{\"url\":\"https://198.51.100.7/in\"}")
        .statusCode(200)
        .body("url", equalTo("https://198.51.100.7/in"))
        .body("event_types", equalTo(List.of("trial.expired")));
    call("PATCH", admin, "/api/webhooks/" + id, "{\"url\":\"https://192.168.0.10/in\"}")
        .statusCode(400)
        .body("field", equalTo("url"));
    call("PATCH", admin, "/api/webhooks/" + id, "{\"url\":null}")
        .statusCode(400)
        .body("field", equalTo("url"));
    call("PATCH", admin, "/api/webhooks/" + id, "{\"event_types\":[\"nope\"]}")
        .statusCode(400)
        .body("field", equalTo("event_types[0]"));
    call("PATCH", admin, "/api/webhooks/" + id, "{\"secret\":\"whsec_x\"}")
        .statusCode(400)
        .body("field", equalTo("secret"));

    call("GET", admin, "/api/webhooks/" + id, null)
        .statusCode(200)
        .body("url", equalTo("https://198.51.100.7/in"))
        .body("event_types", equalTo(List.of("trial.expired")))
        .body("description", nullValue());
  }

  @Test
  void aDeletedEndpointIsGone() {
    String id = create();

    call("DELETE", admin, "/api/webhooks/" + id, null).statusCode(204);

    call("GET", admin, "/api/webhooks/" + id, null)
        .statusCode(404)
        .contentType("application/problem+json");
    call("DELETE", admin, "/api/webhooks/" + id, null).statusCode(404);
    assertThat(store.findEndpoint(tenant, id)).isEmpty();
  }

  @Test
  void aRotationShowsTheNewSecretOnceAndKeepsTheOldOneSigningForADay() {
    var created =
        call("POST", admin, "/api/webhooks", "{\"url\":\"" + URL + "\",\"event_types\":[\"*\"]}")
            .statusCode(201)
            .extract();
    String id = created.path("id");
    String oldSecret = created.path("secret");

    var rotated =
        call("POST", admin, "/api/webhooks/" + id + "/rotate-secret", null)
            .statusCode(200)
            .extract();
    String newSecret = rotated.path("secret");
    Instant graceEnds = Instant.parse(rotated.path("previous_secret_expires_at"));

    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    var stored = store.findEndpoint(tenant, id).orElseThrow();
    assertThat(stored.secret()).isEqualTo(newSecret);
    assertThat(stored.previousSecret()).isEqualTo(oldSecret);
    assertThat(graceEnds).isEqualTo(stored.updatedAt().plusSeconds(24 * 3600));
    assertThat(stored.signingSecrets(graceEnds.minusSeconds(1)))
        .containsExactly(newSecret, oldSecret);
    assertThat(call("GET", admin, "/api/webhooks/" + id, null).statusCode(200).extract().asString())
        .doesNotContain("whsec_");
  }

  @Test
  void aTestEventGoesToThatEndpointOnlyAndShowsInItsDeliveryLogNewestFirst() throws Exception {
    String id = create();
    String other = create();

    JsonNode first =
        json(call("POST", admin, "/api/webhooks/" + id + "/test", null).statusCode(202));
    JsonNode second =
        json(call("POST", admin, "/api/webhooks/" + id + "/test", null).statusCode(202));

    assertThat(first.path("event_type").asText()).isEqualTo("webhook.test");
    assertThat(first.path("status").asText()).isEqualTo("PENDING");
    assertThat(first.path("attempts").asInt()).isZero();
    assertThat(first.path("endpoint_id").asText()).isEqualTo(id);
    assertThat(first.path("id").asText()).startsWith("dlv_");
    assertThat(first.path("event_id").asText()).startsWith("evt_");
    assertThat(takeTickets())
        .containsExactlyInAnyOrder(
            new DeliveryTicket(tenant, id, first.path("id").asText(), 0),
            new DeliveryTicket(tenant, id, second.path("id").asText(), 0));
    List<String> log =
        call("GET", admin, "/api/webhooks/" + id + "/deliveries", null)
            .statusCode(200)
            .extract()
            .path("items.id");
    assertThat(log).containsExactly(second.path("id").asText(), first.path("id").asText());
    List<String> page =
        call("GET", admin, "/api/webhooks/" + id + "/deliveries?limit=1", null)
            .statusCode(200)
            .extract()
            .path("items.id");
    assertThat(page).containsExactly(second.path("id").asText());
    call("GET", admin, "/api/webhooks/" + other + "/deliveries", null)
        .statusCode(200)
        .body("items.size()", equalTo(0));
  }

  @Test
  void aFinishedDeliveryIsRedeliveredWithItsIdAndAPendingOneIsNot() throws Exception {
    String id = create();
    String delivery =
        call("POST", admin, "/api/webhooks/" + id + "/test", null)
            .statusCode(202)
            .extract()
            .path("id");
    takeTickets();
    String redeliver = "/api/webhooks/" + id + "/deliveries/" + delivery + "/redeliver";

    call("POST", admin, redeliver, null).statusCode(409).contentType("application/problem+json");
    store.recordAttempt(
        tenant,
        new DeliveryTicket(tenant, id, delivery, 0),
        new AttemptResult(500, 12, "answered 500"),
        DeliveryStatus.FAILED,
        Instant.now());
    call("GET", admin, "/api/webhooks/" + id + "/deliveries", null)
        .statusCode(200)
        .body("items[0].status", equalTo("FAILED"))
        .body("items[0].attempts", equalTo(1))
        .body("items[0].last_response_code", equalTo(500))
        .body("items[0].last_latency_ms", equalTo(12))
        .body("items[0].last_error", equalTo("answered 500"));

    call("POST", admin, redeliver, null)
        .statusCode(202)
        .body("id", equalTo(delivery))
        .body("status", equalTo("PENDING"));

    assertThat(takeTickets()).containsExactly(new DeliveryTicket(tenant, id, delivery, 1));
    call("POST", admin, redeliver, null).statusCode(409);
    call("POST", admin, "/api/webhooks/" + id + "/deliveries/dlv_missing/redeliver", null)
        .statusCode(404);
  }

  @Test
  void anotherTenantsEndpointDoesNotExistAndAnInstanceTokenManagesNone() {
    String id = create();
    String delivery =
        call("POST", admin, "/api/webhooks/" + id + "/test", null)
            .statusCode(202)
            .extract()
            .path("id");
    takeTickets();
    String other =
        given()
            .header("Authorization", "Bearer " + LocalAwsResource.bootstrapSecret())
            .contentType("application/json")
            .body("{\"name\":\"Other\"}")
            .when()
            .post("/api/tenants")
            .then()
            .statusCode(201)
            .extract()
            .path("admin_token.token");

    for (String[] call :
        new String[][] {
          {"GET", "/api/webhooks/" + id, null},
          {"PATCH", "/api/webhooks/" + id, "{\"description\":\"mine now\"}"},
          {"DELETE", "/api/webhooks/" + id, null},
          {"POST", "/api/webhooks/" + id + "/rotate-secret", null},
          {"POST", "/api/webhooks/" + id + "/test", null},
          {"GET", "/api/webhooks/" + id + "/deliveries", null},
          {"POST", "/api/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", null}
        }) {
      call(call[0], other, call[1], call[2])
          .statusCode(404)
          .contentType("application/problem+json");
    }
    call("GET", other, "/api/webhooks", null).statusCode(200).body("items.size()", equalTo(0));
    assertThat(takeTickets()).isEmpty();
    call("GET", admin, "/api/webhooks/" + id, null)
        .statusCode(200)
        .body("description", nullValue());

    String instance = instanceToken();
    call("GET", instance, "/api/webhooks", null).statusCode(403);
    call("POST", instance, "/api/webhooks", "{\"url\":\"" + URL + "\",\"event_types\":[\"*\"]}")
        .statusCode(403);
    call("GET", instance, "/api/webhooks/" + id, null).statusCode(403);
    call("POST", instance, "/api/webhooks/" + id + "/test", null).statusCode(403);
  }

  private String instanceToken() {
    call("POST", admin, "/api/tiers", "{\"slug\":\"t\",\"name\":\"T\",\"rank\":1}").statusCode(201);
    String customer =
        call("POST", admin, "/api/customers", "{\"name\":\"Acme\"}")
            .statusCode(201)
            .extract()
            .path("id");
    String license =
        call(
                "POST",
                admin,
                "/api/licenses",
                "{\"customer_id\":\"" + customer + "\",\"tier\":\"t\"}")
            .statusCode(201)
            .extract()
            .path("id");
    return call(
            "POST", admin, "/api/instances", "{\"id\":\"i-1\",\"license_id\":\"" + license + "\"}")
        .statusCode(201)
        .extract()
        .path("token.token");
  }

  /**
   * The tickets of this tenant on the deliveries queue, taken off it, in the order they came; the
   * tickets the outbox holds (test events, redeliveries) are put there first, as outbox-publisher
   * does.
   */
  private List<DeliveryTicket> takeTickets() {
    OutboxStream.publish();
    LocalAws aws = LocalAwsResource.localAws();
    String queue = aws.resources().ref("DeliveriesQueue");
    List<DeliveryTicket> tickets = new ArrayList<>();
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        JsonNode body = SqsDeliveryQueue.parse(message.body());
        if (body.path("tenant_id").asText().equals(tenant)) {
          tickets.add(SqsDeliveryQueue.fromJson(body));
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return tickets;
  }
}
