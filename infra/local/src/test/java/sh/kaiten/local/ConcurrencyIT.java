package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kaiten-local runs several execution environments per HTTP function, as Lambda scales one. */
class ConcurrencyIT {
  private static final String EVALUATION = "/api/instances/acme-prod/entitlements/api-calls";
  private static final String USAGE = "/api/instances/acme-prod/entitlements/api-calls/usage";
  private static final String REPORT = "/api/instances/acme-prod/usage";
  private static final Pattern HANDOVER =
      Pattern.compile("handed to the function \\((environment \\d+)\\)");

  @TempDir Path dir;

  @Test
  void concurrentRequestsAreServedByMoreThanOneEnvironmentAndCountedExactly() throws Exception {
    try (RunningKaitenLocal local =
        RunningKaitenLocal.start(dir, "--in-memory", "--concurrency", "2")) {
      String token = local.instanceToken();
      // Waves of 16 concurrent evaluations until the queue behind them has started a second
      // environment.
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                List<HttpResponse<String>> answers =
                    concurrently(16, i -> local.sendAsync("GET", EVALUATION, token, null));
                for (HttpResponse<String> answer : answers) {
                  JsonNode evaluation = local.ok(answer);
                  assertThat(evaluation.get("entitlement").asText()).isEqualTo("api-calls");
                  assertThat(evaluation.get("enabled").asBoolean()).isTrue();
                }
                return environments(local, "EntitlementsApiFunction").size() == 2;
              });
      assertThat(environments(local, "EntitlementsApiFunction"))
          .containsExactlyInAnyOrder("environment 1", "environment 2");
      assertThat(local.functions())
          .hasSizeLessThanOrEqualTo(functionCount() + 2); // one more per HTTP function at most

      // 200 reports of 1, all sent at once, each with its own key: every one counted once,
      // whichever environment ran it.
      List<HttpResponse<String>> reports =
          concurrently(
              200,
              i ->
                  local.sendAsync(
                      "POST",
                      REPORT,
                      token,
                      "{\"entitlement_slug\":\"api-calls\",\"value\":1,\"idempotency_key\":\"concurrent-"
                          + i
                          + "\"}"));
      assertThat(reports)
          .allSatisfy(report -> assertThat(report.statusCode()).as(report.body()).isEqualTo(200));
      assertThat(
              reports.stream()
                  .map(report -> json(local, report).get("status").asText())
                  .collect(Collectors.toSet()))
          .containsExactly("ACCEPTED");
      assertThat(local.ok(local.send("GET", USAGE, token, null)).get("current_usage").asLong())
          .isEqualTo(200);
      assertThat(environments(local, "UsageApiFunction")).hasSizeBetween(1, 2);
    }
  }

  /**
   * Under load, requests of clients that gave up piled up behind the ones being served, and each
   * was still run. A request whose client hangs up before a function takes it is now dropped,
   * unrun.
   */
  @Test
  void aRequestWhoseClientHungUpBeforeItStartedIsNeverRun() throws Exception {
    try (RunningKaitenLocal local =
        RunningKaitenLocal.start(dir, "--in-memory", "--concurrency", "1")) {
      String token = local.instanceToken();
      local.ok(
          local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":1}"));
      ProcessHandle usageFunction = local.functionProcess("UsageApiFunction").orElseThrow();
      long handovers = count(local, "handed to the function");

      // The only environment is held by a report it has taken but cannot finish while stopped...
      new ProcessBuilder("kill", "-STOP", Long.toString(usageFunction.pid())).start().waitFor();
      CompletableFuture<HttpResponse<String>> held =
          local.sendAsync(
              "POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":2}");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> count(local, "handed to the function") == handovers + 1);
      // ...so the next report waits in the queue, and its client hangs up.
      String abandoned =
          "{\"entitlement_slug\":\"api-calls\",\"value\":5,\"idempotency_key\":\"abandoned\"}";
      URI door = URI.create(local.baseUrl());
      try (Socket client = new Socket(door.getHost(), door.getPort())) {
        client
            .getOutputStream()
            .write(
                ("POST "
                        + REPORT
                        + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + abandoned.length()
                        + "\r\n\r\n"
                        + abandoned)
                    .getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().flush();
      }
      new ProcessBuilder("kill", "-CONT", Long.toString(usageFunction.pid())).start().waitFor();

      assertThat(local.ok(held.join()).get("current_usage").asLong()).isEqualTo(3);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> count(local, "dropped: its client went away") == 1);
      assertThat(count(local, "handed to the function")).isEqualTo(handovers + 1);
      assertThat(local.ok(local.send("GET", USAGE, token, null)).get("current_usage").asLong())
          .isEqualTo(3);
      // Its key was never used: the same report now is counted, not a replay.
      HttpResponse<String> again = local.send("POST", REPORT, token, abandoned);
      assertThat(local.ok(again).get("current_usage").asLong()).isEqualTo(8);
      assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }
  }

  /**
   * With {@code --environment-concurrency 4}, one environment takes four events at once (the
   * Runtime Interface Client's handler threads, as on Lambda Managed Instances): a stopped process
   * is handed four, where a Lambda environment takes one. Every report is still counted once.
   */
  @Test
  void oneEnvironmentWorksOnSeveralRequestsAtOnceAndCountsEachOnce() throws Exception {
    try (RunningKaitenLocal local =
        RunningKaitenLocal.start(
            dir, "--in-memory", "--concurrency", "1", "--environment-concurrency", "4")) {
      String token = local.instanceToken();
      local.ok(
          local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":1}"));
      ProcessHandle usageFunction = local.functionProcess("UsageApiFunction").orElseThrow();
      assertThat(RunningKaitenLocal.read(local.functionLog("UsageApiFunction")))
          .contains("Starting 4 concurrent function handler threads.");
      // Its four handler threads poll for events; the one that ran the first report polls again
      // as soon as it has posted the answer, well before the process is stopped here.
      long handovers = count(local, "handed to the function");

      new ProcessBuilder("kill", "-STOP", Long.toString(usageFunction.pid())).start().waitFor();
      List<CompletableFuture<HttpResponse<String>>> held =
          IntStream.range(0, 4)
              .mapToObj(
                  i ->
                      local.sendAsync(
                          "POST",
                          REPORT,
                          token,
                          "{\"entitlement_slug\":\"api-calls\",\"value\":10}"))
              .toList();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> count(local, "handed to the function") == handovers + 4);
      new ProcessBuilder("kill", "-CONT", Long.toString(usageFunction.pid())).start().waitFor();
      assertThat(held).allSatisfy(answer -> assertThat(answer.join().statusCode()).isEqualTo(200));

      List<HttpResponse<String>> reports =
          concurrently(
              40,
              i ->
                  local.sendAsync(
                      "POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":1}"));
      assertThat(reports)
          .allSatisfy(report -> assertThat(report.statusCode()).as(report.body()).isEqualTo(200));
      assertThat(local.ok(local.send("GET", USAGE, token, null)).get("current_usage").asLong())
          .isEqualTo(1 + 4 * 10 + 40);
      assertThat(environments(local, "UsageApiFunction")).containsExactly("environment 1");
    }
  }

  private static long count(RunningKaitenLocal local, String note) throws Exception {
    return RunningKaitenLocal.read(local.functionLog("UsageApiFunction"))
        .lines()
        .filter(line -> line.contains(note))
        .count();
  }

  private static int functionCount() throws Exception {
    return sh.kaiten.local.aws.CloudFormationTemplate.read(
            RunningKaitenLocal.ROOT.resolve("template.yaml"))
        .resourcesOfType("AWS::Serverless::Function")
        .size();
  }

  /**
   * The environments kaiten-local handed the function's invocations to, from its notes in the
   * function's log.
   */
  private static Set<String> environments(RunningKaitenLocal local, String function)
      throws Exception {
    Matcher matcher = HANDOVER.matcher(RunningKaitenLocal.read(local.functionLog(function)));
    return matcher.results().map(result -> result.group(1)).collect(Collectors.toSet());
  }

  private static List<HttpResponse<String>> concurrently(
      int count, java.util.function.IntFunction<CompletableFuture<HttpResponse<String>>> request) {
    List<CompletableFuture<HttpResponse<String>>> sent =
        IntStream.range(0, count).mapToObj(request).toList();
    return sent.stream().map(CompletableFuture::join).toList();
  }

  private static JsonNode json(RunningKaitenLocal local, HttpResponse<String> response) {
    try {
      return local.json(response);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
