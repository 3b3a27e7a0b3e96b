package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box tests of kaiten-local: the packaged jar in its own process, driven over HTTP only. */
class KaitenLocalSystemIT {
  private static final String USAGE = "/api/instances/acme-prod/entitlements/api-calls/usage";
  private static final String REPORT = "/api/instances/acme-prod/usage";

  @TempDir Path dir;

  @Test
  void productPageScenario() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String token = local.instanceToken();
      assertThat(local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":67000}").statusCode())
          .isEqualTo(200);
      assertThat(local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":433}").statusCode())
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

  @Test
  void restartKeepsTheData() throws Exception {
    String adminToken;
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      adminToken = local.state().path("admin_token").asText();
      local.ok(local.send("POST", REPORT, local.instanceToken(), "{\"entitlement_slug\":\"api-calls\",\"value\":1234}"));
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
      assertThat(children).hasSize(3);
    } finally {
      local.close();
    }
    assertThat(local.isAlive()).isFalse();
    assertThat(children).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aFunctionThatCrashesMidRequestIsA502AndTheNextRequestWorks() throws Exception {
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir)) {
      String token = local.instanceToken();
      ProcessHandle usageFunction = local.functionProcess("UsageApiFunction").orElseThrow(() ->
          new AssertionError("no UsageApiFunction process among " + local.children().stream()
              .map(p -> p.pid() + " " + p.info().arguments().map(List::of).orElse(List.of())).toList()));
      int handovers = countHandovers(local);
      new ProcessBuilder("kill", "-STOP", Long.toString(usageFunction.pid())).start().waitFor();
      CompletableFuture<HttpResponse<String>> pending =
          local.sendAsync("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":5}");
      await().atMost(Duration.ofSeconds(20)).until(() -> countHandovers(local) > handovers);
      usageFunction.destroyForcibly();

      HttpResponse<String> crashed = pending.join();
      assertThat(crashed.statusCode()).isEqualTo(502);
      assertThat(crashed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(local.json(crashed).get("type").asText()).isEqualTo("https://kaiten.sh/problems/function-failed");

      HttpResponse<String> next =
          local.send("POST", REPORT, token, "{\"entitlement_slug\":\"api-calls\",\"value\":7}");
      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(local.json(next).get("current_usage").asLong()).isEqualTo(7);
    }
  }

  private static int countHandovers(RunningKaitenLocal local) throws Exception {
    String log = RunningKaitenLocal.read(local.functionLog("UsageApiFunction"));
    return (int) log.lines().filter(line -> line.contains("handed to the function")).count();
  }
}
