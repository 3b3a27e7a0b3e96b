package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.local.aws.CloudFormationTemplate;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/** Black-box tests of kaiten-local: the packaged jar in its own process, driven over HTTP only. */
class KaitenLocalSystemIT {
  private static final String USAGE = "/api/instances/acme-prod/entitlements/api-calls/usage";
  private static final String REPORT = "/api/instances/acme-prod/usage";

  /** The thresholds queue's redrive policy in template.yaml. */
  private static final int MAX_RECEIVE_COUNT = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /**
   * What API Gateway refuses never reaches a function, and is answered as problem+json, not a
   * closed connection.
   */
  @Test
  void theFrontDoorRefusesOddRequestsWithProblems() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir, "--in-memory")) {
      // --dir holds kaiten-local.json under --in-memory too: the demo's token is read from it.
      assertThat(
              local
                  .ok(local.send("GET", USAGE, local.instanceToken(), null))
                  .get("current_usage")
                  .asLong())
          .isZero();

      String manyHeaders =
          IntStream.range(0, 500)
              .mapToObj(i -> "X-Header-" + i + ": " + i + "\r\n")
              .collect(Collectors.joining());
      String tooMany =
          local.raw(
              "GET "
                  + USAGE
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + manyHeaders
                  + "Connection: close\r\n\r\n");
      assertThat(tooMany)
          .startsWith("HTTP/1.1 431 ")
          .contains("application/problem+json")
          .contains("\"type\":\"https://kaiten.sh/problems/headers-too-large\"");

      String nul =
          local.raw(
              "GET "
                  + USAGE
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ksh_\u0000x\r\n"
                  + "Connection: close\r\n\r\n");
      assertThat(nul)
          .startsWith("HTTP/1.1 400 ")
          .contains("application/problem+json")
          .contains("\"field\":\"Authorization\"");

      String dots =
          local.raw(
              "GET /api/instances/acme-prod/entitlements/../usage HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer "
                  + local.instanceToken()
                  + "\r\nConnection: close\r\n\r\n");
      assertThat(dots).startsWith("HTTP/1.1 400 ").contains("\"field\":\"path\"");
    }
  }

  @Test
  void helpPrintsTheUsageAndStartsNothing() throws Exception {
    Process help =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                RunningKaitenLocal.ROOT.resolve("infra/local/target/kaiten-local.jar").toString(),
                "--help")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(help.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(help.waitFor()).isZero();
    assertThat(out)
        .startsWith("usage: java -jar infra/local/target/kaiten-local.jar")
        .contains("--help");
  }

  @Test
  void productPageScenario() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String token = local.instanceToken();
      assertThat(
              local
                  .send(
                      "POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":67000}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              local
                  .send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":433}")
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> usage = local.send("GET", USAGE, token, null);
      assertThat(usage.statusCode()).isEqualTo(200);
      JsonNode state = local.json(usage);
      assertThat(state.get("entitlement").asText()).isEqualTo("api-calls");
      assertThat(state.get("limit").asLong()).isEqualTo(100000);
      assertThat(state.get("current_usage").asLong()).isEqualTo(67433);
      assertThat(state.get("percentage_used").decimalValue()).isEqualByComparingTo("67.4");
      assertThat(state.get("status").asText()).isEqualTo("ACCEPTED");

      HttpResponse<String> unknown = local.send("GET", "/api/nothing-here", token, null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }

  /**
   * A full batch through the real Lambda runtime path (Quarkus' mock event server in the function
   * tests stalls on answers over about 8 KB, quarkusio/quarkus#44551): 1000 results, with 1000
   * check tallies, audited as ten records of reports and ten of tallies in one request, and
   * exported back report by report (two answers, linked).
   */
  @Test
  void aFullBatchIsAnsweredWholeAuditedInSlicesAndExportedReportByReport() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String admin = local.state().path("admin_token").asText();
      Instant from = Instant.now().minusSeconds(1);
      String minute = from.truncatedTo(ChronoUnit.MINUTES).toString();
      String tallies =
          IntStream.range(0, 1000)
              .mapToObj(
                  i ->
                      "{\"entitlement\":\"sso\",\"minute\":\""
                          + minute
                          + "\",\"allowed\":true,\"reason\":\"GRANTED\",\"count\":"
                          + (i + 1)
                          + "}")
              .collect(
                  Collectors.joining(",", "\"checks\":{\"id\":\"chk-full\",\"tallies\":[", "]}"));
      String events =
          IntStream.range(0, 1000)
              .mapToObj(i -> "{\"entitlement_slug\":\"api-calls\",\"value\":1}")
              .collect(Collectors.joining(",", "{\"events\":[", "]," + tallies + "}"));
      JsonNode batch =
          local.ok(local.send("POST", REPORT + "/batch", local.instanceToken(), events));
      assertThat(batch.get("results")).hasSize(1000);
      assertThat(batch.at("/results/999/result/current_usage").asLong()).isEqualTo(1000);
      assertThat(batch.get("checks").toString())
          .isEqualTo("{\"id\":\"chk-full\",\"tallies\":1000}");

      JsonNode trail =
          local.ok(
              local.send("GET", "/api/instances/acme-prod/audit?type=usage.reported", admin, null));
      assertThat(trail.get("items")).hasSize(10);
      JsonNode checked =
          local.ok(
              local.send(
                  "GET",
                  "/api/instances/acme-prod/audit?type=entitlement.checked&entitlement=sso",
                  admin,
                  null));
      assertThat(checked.get("items")).hasSize(10);
      long checks = 0;
      for (JsonNode record : checked.get("items")) {
        assertThat(record.at("/request/tallies")).hasSize(100);
        assertThat(record.at("/request/checks_id").asText()).isEqualTo("chk-full");
        checks += record.at("/result/checks").asLong();
      }
      assertThat(checks).isEqualTo(500500);
      Set<String> requestIds = new HashSet<>();
      trail.get("items").forEach(record -> requestIds.add(record.get("request_id").asText()));
      checked.get("items").forEach(record -> requestIds.add(record.get("request_id").asText()));
      assertThat(requestIds).hasSize(1);

      // 195 single reports more: 205 audit records, so the export takes two answers (200 records
      // each at most)
      for (int i = 0; i < 195; i++) {
        local.ok(
            local.send(
                "POST",
                REPORT,
                local.instanceToken(),
                "{\"entitlement_slug\":\"api-calls\",\"value\":1}"));
      }
      Instant to = Instant.now().plusSeconds(1);
      HttpResponse<String> first =
          local.send(
              "GET",
              "/api/usage/export?kind=reports&format=csv&from=" + from + "&to=" + to,
              admin,
              null);
      assertThat(first.statusCode()).isEqualTo(200);
      String next = first.headers().firstValue("Link").orElseThrow();
      assertThat(next).endsWith(">; rel=\"next\"");
      HttpResponse<String> second =
          local.send(
              "GET",
              next.substring(next.indexOf("/api/usage/export"), next.indexOf('>')),
              admin,
              null);
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.headers().firstValue("Link")).isEmpty();

      List<String> header =
          List.of(
              first.body().lines().findFirst().orElseThrow(),
              second.body().lines().findFirst().orElseThrow());
      assertThat(header)
          .containsOnly(
              "audit_id,received_at,instance_id,entitlement,value,timestamp,idempotency_key,"
                  + "status,current_usage,replayed,actor,request_id,lease_id,reports");
      List<String> rows = new ArrayList<>(first.body().lines().skip(1).toList());
      rows.addAll(second.body().lines().skip(1).toList());
      assertThat(rows).hasSize(1195);
      assertThat(rows)
          .allMatch(line -> line.contains(",acme-prod,api-calls,") && line.contains(",ACCEPTED,"));
      assertThat(rows)
          .allMatch(line -> line.endsWith(",,1")); // plain reports: no lease, one report each
      assertThat(rows.stream().map(line -> line.split(",")[8]).distinct())
          .hasSize(1195); // every usage level once
    }
  }

  @Test
  void restartKeepsTheData() throws Exception {
    String adminToken;
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      adminToken = local.state().path("admin_token").asText();
      local.ok(
          local.send(
              "POST",
              REPORT,
              local.instanceToken(),
              "{\"entitlement_slug\":\"api-calls\",\"value\":1234}"));
    }
    try (RunningKaitenLocal again = RunningKaitenLocal.start(dir)) {
      assertThat(again.state().path("admin_token").asText()).isEqualTo(adminToken);
      JsonNode state = again.ok(again.send("GET", USAGE, adminToken, null));
      assertThat(state.get("current_usage").asLong()).isEqualTo(1234);
    }
  }

  @Test
  void stoppingLeavesNoProcessBehind() throws Exception {
    List<ProcessHandle> children;
    RunningKaitenLocal local = RunningKaitenLocal.start(dir);
    try {
      children = local.children();
      assertThat(local.functions())
          .hasSize(
              CloudFormationTemplate.read(RunningKaitenLocal.ROOT.resolve("template.yaml"))
                  .resourcesOfType("AWS::Serverless::Function")
                  .size());
    } finally {
      local.close();
    }
    assertThat(local.isAlive()).isFalse();
    assertThat(children).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void functionsDieWithAKaitenLocalKilledOutright() throws Exception {
    RunningKaitenLocal killed = RunningKaitenLocal.start(dir);
    List<ProcessHandle> functions = killed.children();
    assertThat(functions).isNotEmpty();
    killed.kill();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> functions.stream().noneMatch(ProcessHandle::isAlive));
    try (RunningKaitenLocal again = RunningKaitenLocal.start(dir)) {
      assertThat(
              again
                  .ok(again.send("GET", USAGE, again.instanceToken(), null))
                  .get("current_usage")
                  .asLong())
          .isZero();
    }
  }

  @Test
  void aFunctionThatCrashesMidRequestIsA502AndTheNextRequestWorks() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String token = local.instanceToken();
      ProcessHandle usageFunction =
          local
              .functionProcess("UsageApiFunction")
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no UsageApiFunction process among "
                              + local.children().stream()
                                  .map(
                                      p ->
                                          p.pid()
                                              + " "
                                              + p.info()
                                                  .arguments()
                                                  .map(List::of)
                                                  .orElse(List.of()))
                                  .toList()));
      // A first report, so the process is past its start and waiting for events when it is stopped.
      local.ok(
          local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":1}"));
      int handovers = countHandovers(local);
      new ProcessBuilder("kill", "-STOP", Long.toString(usageFunction.pid())).start().waitFor();
      CompletableFuture<HttpResponse<String>> pending =
          local.sendAsync(
              "POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":5}");
      await().atMost(Duration.ofSeconds(20)).until(() -> countHandovers(local) > handovers);
      usageFunction.destroyForcibly();

      HttpResponse<String> crashed = pending.join();
      assertThat(crashed.statusCode()).isEqualTo(502);
      assertThat(crashed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(local.json(crashed).get("type").asText())
          .isEqualTo("https://kaiten.sh/problems/function-failed");

      HttpResponse<String> next =
          local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":7}");
      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(local.json(next).get("current_usage").asLong()).isEqualTo(8);
    }
  }

  @Test
  void aQueueMessageWhoseHandlerKeepsFailingEndsInTheDeadLetterQueueAndTheRestOfItsBatchIsDoneOnce()
      throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir, "--sqs-retry-delay", "1");
        SqsClient sqs = local.sqs()) {
      String thresholds = sqs.getQueueUrl(r -> r.queueName("ThresholdsQueue")).queueUrl();
      String deadLetters =
          sqs.getQueueUrl(r -> r.queueName("ThresholdsDeadLetterQueue")).queueUrl();
      String tenant = local.state().path("tenant_id").asText();
      // The events reach the vendor as webhooks (the events queue is the dispatcher's).
      WebhookInbox inbox =
          WebhookInbox.subscribe(
              local,
              local.state().path("admin_token").asText(),
              "usage.threshold_reached",
              "usage.limit_reached");

      // A real crossing: usage-api signals it, threshold-evaluator fires it.
      local.ok(
          local.send(
              "POST",
              REPORT,
              local.instanceToken(),
              "{\"entitlement_slug\":\"api-calls\",\"value\":80000}"));
      // One batch: a poison message between two good signals.
      var sent =
          sqs.sendMessageBatch(
              r ->
                  r.queueUrl(thresholds)
                      .entries(
                          entry("good-1", signal(tenant, "seats", 50, 49, 50)),
                          entry("poison", "{\"tenant_id\":\"" + tenant + "\"}"),
                          entry("good-2", signal(tenant, "storage", 100, 79, 80))));
      Map<String, String> ids =
          sent.successful().stream()
              .collect(
                  Collectors.toMap(
                      SendMessageBatchResultEntry::id, SendMessageBatchResultEntry::messageId));

      await().atMost(Duration.ofSeconds(90)).until(() -> !peek(sqs, deadLetters).isEmpty());
      List<Message> dead = peek(sqs, deadLetters);
      assertThat(dead).extracting(Message::messageId).containsExactly(ids.get("poison"));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(described(inbox, "entitlement"))
                      .as(() -> "events so far; the evaluator's log:\n" + evaluatorLog(local))
                      .containsExactlyInAnyOrder(
                          "usage.threshold_reached api-calls",
                          "usage.limit_reached seats",
                          "usage.threshold_reached storage"));
      String log = evaluatorLog(local);
      assertThat(deliveries(log, ids.get("poison"))).isEqualTo(MAX_RECEIVE_COUNT);
      assertThat(deliveries(log, ids.get("good-1"))).isEqualTo(1);
      assertThat(deliveries(log, ids.get("good-2"))).isEqualTo(1);
      assertThat(inbox.unverified()).isEmpty();
      inbox.close();
    }
  }

  @Test
  void aWebhookEndpointGetsTheStacksEventsSignedOnceAndItsTestEvent() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String admin = local.state().path("admin_token").asText();
      String license = local.state().path("demo").path("license_id").asText();
      // Events nothing else fires here: the fan-out also serves the demo's events still on the
      // queue.
      try (WebhookInbox inbox =
          WebhookInbox.subscribe(local, admin, "license.suspended", "webhook.test")) {
        local.ok(
            local.send("PATCH", "/api/licenses/" + license, admin, "{\"status\":\"SUSPENDED\"}"));
        HttpResponse<String> test =
            local.send("POST", "/api/webhooks/" + inbox.id() + "/test", admin, null);
        assertThat(test.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> inbox.events().size() >= 2);
        JsonNode log =
            local.ok(local.send("GET", "/api/webhooks/" + inbox.id() + "/deliveries", admin, null));

        assertThat(inbox.unverified()).isEmpty();
        assertThat(inbox.events())
            .extracting(event -> event.get("type").asText())
            .containsExactlyInAnyOrder("license.suspended", "webhook.test");
        JsonNode suspended =
            inbox.events().stream()
                .filter(e -> e.get("type").asText().equals("license.suspended"))
                .findFirst()
                .orElseThrow();
        assertThat(suspended.get("data").get("license_id").asText()).isEqualTo(license);
        assertThat(suspended.get("data").get("status").asText()).isEqualTo("SUSPENDED");
        assertThat(suspended.get("id").asText()).startsWith("evt_");
        assertThat(suspended.has("tenant_id")).isFalse();
        assertThat(log.get("items")).hasSize(2);
        for (JsonNode delivery : log.get("items")) {
          assertThat(delivery.get("status").asText()).isEqualTo("SUCCEEDED");
          assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
          assertThat(delivery.get("last_response_code").asInt()).isEqualTo(204);
        }
        assertThat(inbox.webhookIds())
            .containsExactlyInAnyOrder(
                log.get("items").get(0).get("id").asText(),
                log.get("items").get(1).get("id").asText());
      }
    }
  }

  @Test
  void aChangesEventGoesFromTheOutboxStreamToTheWebhookOnceWithItsId() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String admin = local.state().path("admin_token").asText();
      try (WebhookInbox inbox =
          WebhookInbox.subscribe(local, admin, "customer.created", "customer.updated")) {
        String customer =
            local
                .json(local.send("POST", "/api/customers", admin, "{\"name\":\"Outbox Corp\"}"))
                .path("id")
                .asText();
        local.ok(
            local.send(
                "PATCH", "/api/customers/" + customer, admin, "{\"name\":\"Outbox Corporation\"}"));

        // The demo's own customer.created may come too (its events are read from the stream's
        // start).
        await().atMost(Duration.ofSeconds(60)).until(() -> about(inbox, customer).size() >= 2);
        JsonNode log =
            local.ok(local.send("GET", "/api/webhooks/" + inbox.id() + "/deliveries", admin, null));

        assertThat(inbox.unverified()).isEmpty();
        assertThat(about(inbox, customer))
            .extracting(event -> event.get("type").asText())
            .containsExactlyInAnyOrder("customer.created", "customer.updated");
        assertThat(log.get("items")).hasSize(inbox.events().size());
        JsonNode created =
            about(inbox, customer).stream()
                .filter(e -> e.get("type").asText().equals("customer.created"))
                .findFirst()
                .orElseThrow();
        assertThat(created.get("id").asText()).startsWith("evt_");
        assertThat(created.get("data").get("customer_id").asText()).isEqualTo(customer);
        JsonNode trail =
            local.ok(local.send("GET", "/api/audit?type=customer.created", admin, null));
        List<String> recorded = new java.util.ArrayList<>();
        trail.get("items").forEach(record -> recorded.add(record.get("result").get("id").asText()));
        assertThat(recorded).containsOnlyOnce(customer);
      }
    }
  }

  @Test
  void aScheduleFiredOnDemandAnnouncesTheTrialThatEnded() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String admin = local.state().path("admin_token").asText();
      WebhookInbox inbox =
          WebhookInbox.subscribe(local, admin, "trial.ending_soon", "trial.expired");
      String customer = local.state().path("demo").path("customer_id").asText();
      Instant ends = Instant.now().plusSeconds(2);
      HttpResponse<String> created =
          local.send(
              "POST",
              "/api/licenses",
              admin,
              "{\"customer_id\":\""
                  + customer
                  + "\",\"tier\":\"pro\",\"status\":\"TRIAL\",\"trial_ends_at\":\""
                  + ends
                  + "\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      String license = local.json(created).get("id").asText();

      HttpResponse<String> tick =
          local.send("POST", "/_local/schedules/SchedulerFunction/Lifecycle", admin, null);
      assertThat(tick.statusCode()).isEqualTo(200);
      assertThat(local.json(tick).get("fired").get(0).asText())
          .startsWith("trial.ending_soon evt_");

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                local.ok(
                    local.send(
                        "POST", "/_local/schedules/SchedulerFunction/Lifecycle", admin, null));
                // both, in whichever order their deliveries finish: events are not ordered
                return described(inbox, "license_id")
                    .containsAll(
                        List.of("trial.ending_soon " + license, "trial.expired " + license));
              });
      assertThat(described(inbox, "license_id"))
          .containsExactlyInAnyOrder("trial.ending_soon " + license, "trial.expired " + license);
      assertThat(inbox.unverified()).isEmpty();
      inbox.close();

      HttpResponse<String> unknown =
          local.send("POST", "/_local/schedules/SchedulerFunction/Nope", admin, null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(local.json(unknown).get("detail").asText())
          .contains("SchedulerFunction/Lifecycle");
    }
  }

  private static String evaluatorLog(RunningKaitenLocal local) {
    try {
      return RunningKaitenLocal.read(local.functionLog("ThresholdEvaluatorFunction"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SendMessageBatchRequestEntry entry(String id, String body) {
    return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
  }

  private static String signal(
      String tenant, String entitlement, int limit, int previous, int updated) {
    return "{\"tenant_id\":\""
        + tenant
        + "\",\"entitlement\":\""
        + entitlement
        + "\",\"holder\":\"instance:acme-prod\","
        + "\"period\":\"lifetime\",\"limit\":"
        + limit
        + ",\"previous\":"
        + previous
        + ",\"updated\":"
        + updated
        + ",\"thresholds\":[80,100]}";
  }

  /** The queue's messages, left on it (visible again at once). */
  private static List<Message> peek(SqsClient sqs, String queue) {
    List<Message> messages =
        sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
    messages.forEach(
        m ->
            sqs.changeMessageVisibility(
                r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
    return messages;
  }

  /** The events the inbox received so far, each as "type {data field}". */
  private static List<JsonNode> about(WebhookInbox inbox, String customerId) {
    return inbox.events().stream()
        .filter(event -> event.get("data").path("customer_id").asText().equals(customerId))
        .toList();
  }

  private static List<String> described(WebhookInbox inbox, String field) {
    return inbox.events().stream()
        .map(event -> event.get("type").asText() + " " + event.get("data").get(field).asText())
        .toList();
  }

  /** How many times kaiten-local handed the message to the function. */
  private static long deliveries(String log, String messageId) {
    return log.lines()
        .filter(line -> line.contains("delivering message " + messageId + " "))
        .count();
  }

  private static int countHandovers(RunningKaitenLocal local) throws Exception {
    String log = RunningKaitenLocal.read(local.functionLog("UsageApiFunction"));
    return (int) log.lines().filter(line -> line.contains("handed to the function")).count();
  }
}
