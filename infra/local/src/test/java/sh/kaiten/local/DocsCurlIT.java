package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sh.kaiten.local.DocCurls.DocCurl;

/**
 * Every curl in README.md and docs/, run in reading order with the real curl against kaiten-local
 * --demo, answers what its page says (docs/contributing.md, "The docs' curl commands").
 */
class DocsCurlIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where an id of an earlier answer goes, by the prefix of its value. */
  private static final Map<String, String> ID_VARIABLES =
      Map.of(
          "cus_",
          "CUSTOMER",
          "lic_",
          "LICENSE",
          "wh_",
          "WEBHOOK",
          "dlv_",
          "DELIVERY",
          "lse_",
          "LEASE",
          "tok_",
          "TOKEN_ID");

  /** How long a read function keeps definitions (the adapters' {@code CachedDefinitions.TTL}). */
  private static final Duration DEFINITIONS_TTL = Duration.ofSeconds(5);

  private static final List<String> ID_FIELDS =
      List.of("id", "customer_id", "license_id", "lease_id");

  @TempDir Path dir;

  @Test
  void everyCurlInTheDocsAnswersWhatItsPageSays() throws Exception {
    List<DocCurl> curls =
        DocCurls.pages(RunningKaitenLocal.ROOT).stream()
            .flatMap(p -> DocCurls.in(p).stream())
            .toList();
    assertThat(curls.get(0).page()).isEqualTo(RunningKaitenLocal.ROOT.resolve("README.md"));
    assertThat(curls.get(0).command())
        .startsWith("curl -X POST $API/api/instances/acme-prod/usage \\\n")
        .doesNotContain("Content-Type");

    List<String> failures = new ArrayList<>();
    int run = 0;
    try (RunningKaitenLocal local = RunningKaitenLocal.start(dir.resolve("local"), "--in-memory")) {
      JsonNode state = local.state();
      Map<String, String> variables = new LinkedHashMap<>();
      variables.put("API", local.baseUrl());
      variables.put("ADMIN", state.path("admin_token").asText());
      variables.put("TOKEN", state.path("demo").path("instance_token").asText());
      variables.put("BOOTSTRAP_SECRET", state.path("bootstrap_secret").asText());
      DocCurl tagged = null;
      for (DocCurl curl : curls) {
        if (curl.skipReason().isPresent()) {
          continue;
        }
        run++;
        Answer answer =
            curl.command().contains("If-None-Match") && tagged != null
                ? revalidated(tagged, curl, variables)
                : run(curl, variables);
        if (answer.exit() != 0 || !curl.accepts(answer.status())) {
          failures.add(
              where(curl)
                  + ": expected "
                  + curl.expected()
                  + ", answered "
                  + answer.status()
                  + (answer.exit() != 0
                      ? " (curl exited " + answer.exit() + ": " + answer.errors().strip() + ")"
                      : "")
                  + "\n  "
                  + curl.command().strip().replace("\n", "\n  ")
                  + "\n  → "
                  + answer.body().substring(0, Math.min(answer.body().length(), 600)));
        } else if (remember(answer, variables)) {
          tagged = curl;
        }
      }
    }
    assertThat(failures)
        .as("curls of the docs that did not answer as their page says (%d run)", run)
        .isEmpty();
    assertThat(curls.stream().filter(c -> c.skipReason().isPresent()).map(DocsCurlIT::where))
        .as("curls skipped by the marker")
        .containsExactly("docs/operations.md:" + deployCurlLine());
  }

  private record Answer(int exit, int status, String body, String headers, String errors) {}

  /** The command as written, in bash, with curl writing the answer where the test reads it. */
  private Answer run(DocCurl curl, Map<String, String> variables) throws Exception {
    Path body = dir.resolve("body");
    Path headers = dir.resolve("headers");
    Files.deleteIfExists(body);
    Files.deleteIfExists(headers);
    String script =
        "set -u\n"
            + "curl() { command curl --silent --show-error --max-time 60 --noproxy '*' \"$@\" --no-include"
            + " --output \"$DOCS_BODY\" --dump-header \"$DOCS_HEADERS\" --write-out '%{http_code}'; }\n"
            + curl.command();
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", script).directory(RunningKaitenLocal.ROOT.toFile());
    builder.environment().putAll(variables);
    builder.environment().put("DOCS_BODY", body.toString());
    builder.environment().put("DOCS_HEADERS", headers.toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(where(curl) + " did not end within 90 s");
    }
    int status = out.matches("\\d{3}") ? Integer.parseInt(out) : 0;
    return new Answer(
        process.exitValue(),
        status,
        RunningKaitenLocal.read(body),
        RunningKaitenLocal.read(headers),
        errors);
  }

  /**
   * A conditional request once the read functions agree on the catalog. The docs change tiers and
   * entitlements a moment before, and each execution environment keeps definitions for up to {@link
   * #DEFINITIONS_TTL} (docs/api.md says so), so the tagged answer and its revalidation may come
   * from caches of different ages. Until they agree (two TTLs at most), the pair is asked again; a
   * tag that changes with nothing changed still fails.
   */
  private Answer revalidated(DocCurl tagged, DocCurl conditional, Map<String, String> variables)
      throws Exception {
    Answer[] last = new Answer[1];
    try {
      Awaitility.await()
          .atMost(DEFINITIONS_TTL.multipliedBy(2).plusSeconds(5))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                last[0] = run(conditional, variables);
                if (conditional.accepts(last[0].status())) {
                  return true;
                }
                remember(run(tagged, variables), variables);
                return false;
              });
    } catch (ConditionTimeoutException stillChanging) {
      // the last answer is reported as the failure
    }
    return last[0];
  }

  /**
   * The ids an answer gives, by their prefix, and its ETag, for the commands after it; true when it
   * gave an ETag.
   */
  private static boolean remember(Answer answer, Map<String, String> variables) throws Exception {
    boolean tagged = false;
    for (String line : answer.headers().split("\r?\n")) {
      if (line.regionMatches(true, 0, "ETag:", 0, 5)) {
        variables.put("ETAG", line.substring(5).trim());
        tagged = true;
      }
    }
    if (!answer.body().startsWith("{")) {
      return tagged;
    }
    JsonNode json = JSON.readTree(answer.body());
    for (String field : ID_FIELDS) {
      String value = json.path(field).asText("");
      ID_VARIABLES.forEach(
          (prefix, variable) -> {
            if (value.startsWith(prefix)) {
              variables.put(variable, value);
            }
          });
    }
    return tagged;
  }

  private static String where(DocCurl curl) {
    return RunningKaitenLocal.ROOT.relativize(curl.page()) + ":" + curl.line();
  }

  private static int deployCurlLine() throws Exception {
    List<String> lines = Files.readAllLines(RunningKaitenLocal.ROOT.resolve("docs/operations.md"));
    return lines.indexOf(DocCurls.SKIP_MARKER + " needs AWS") + 2;
  }
}
