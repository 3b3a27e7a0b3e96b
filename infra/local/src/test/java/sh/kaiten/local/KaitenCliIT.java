package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kaiten CLI as a user runs it ({@code java -jar cli/target/kaiten.jar}) against kaiten-local
 * --demo started with {@code --catalog}: export, plan, apply, and the exit codes CI reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KaitenCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static RunningKaitenLocal local;
  private static String admin;

  /** What the CLI printed and the code it exited with. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws IOException {
    // The demo's catalog and one more tier: --catalog applies it once the demo is seeded.
    Path catalog = shared.resolve("start-catalog.yaml");
    Files.writeString(
        catalog,
        Files.readString(RunningKaitenLocal.ROOT.resolve("examples/catalog.yaml"))
            + """
              - slug: team
                name: Team
                rank: 3
                entitlements: {api-calls: 500000, sso: true}
            """);
    local = RunningKaitenLocal.start(shared.resolve("stack"), "--catalog", catalog.toString());
    admin = local.state().path("admin_token").asText();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    local.close();
  }

  @Test
  @Order(1)
  void anExportedCatalogPlansNoChange() throws Exception {
    Run export = kaiten("export");
    assertThat(export.exit()).isZero();
    assertThat(export.out()).contains("slug: team").contains("api-calls: 500000");
    Path file = Files.writeString(shared.resolve("catalog.yaml"), export.out());

    Run plan = kaiten("plan", file.toString());
    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.out()).isEqualTo("No changes: the catalog is as the file says.\n");
  }

  @Test
  @Order(2)
  void aDowngradeIsPendingWithTheInstanceItChanges() throws Exception {
    Path file = downgraded();

    Run plan = kaiten("plan", file.toString());
    assertThat(plan.exit()).as(plan.err()).isEqualTo(2);
    assertThat(plan.out())
        .contains("  ~ tier pro\n      entitlements.api-calls: 100000 -> 50000\n")
        .contains(" of Acme Corp (cus_")
        .contains("instances: acme-prod\n      api-calls: 100000 (tier) -> 50000 (tier)\n")
        .contains(": 0 to create, 1 to update, 0 to delete.");

    Run json = kaiten("plan", file.toString(), "--json");
    assertThat(json.exit()).isEqualTo(2);
    JsonNode answer = JSON.readTree(json.out());
    assertThat(answer.path("licenses").get(0).path("instances").toString())
        .isEqualTo("[\"acme-prod\"]");
  }

  @Test
  @Order(3)
  void aPlanReviewedBeforeAnotherChangeIsRefused() throws Exception {
    Path file = downgraded();
    String hash =
        JSON.readTree(kaiten("plan", file.toString(), "--json").out()).path("plan_hash").asText();
    local.ok(
        local.send("PATCH", "/api/tiers/team", admin, "{\"name\":\"Team (renamed by hand)\"}"));

    Run apply = kaiten("apply", file.toString(), "--plan-hash", hash);
    assertThat(apply.exit()).isEqualTo(1);
    assertThat(apply.err()).contains("the catalog changed since this plan was made");
  }

  @Test
  @Order(4)
  void applyMakesThePlanAndLeavesNothingPending() throws Exception {
    Path file = downgraded();

    Run apply = kaiten("apply", file.toString());
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out()).endsWith("Applied: 2 change(s).\n");

    assertThat(kaiten("plan", file.toString()).exit()).isZero();
    JsonNode usage =
        local.ok(
            local.send(
                "GET",
                "/api/instances/acme-prod/entitlements/api-calls/usage",
                local.instanceToken(),
                null));
    assertThat(usage.path("limit").asLong()).isEqualTo(50000);
  }

  @Test
  @Order(5)
  void anInvalidFileFailsNamingTheBadField() throws Exception {
    Path file =
        Files.writeString(
            shared.resolve("bad.yaml"),
            Files.readString(RunningKaitenLocal.ROOT.resolve("examples/catalog.yaml"))
                .replace("enforcement: HARD", "enforcement: HARDER"));

    Run plan = kaiten("plan", file.toString());
    assertThat(plan.exit()).isEqualTo(1);
    assertThat(plan.err()).startsWith("error: /entitlements/0/metering/enforcement: ");
  }

  @Test
  @Order(6)
  void webhookEndpointsInTheFileAreAppliedAndExportedWithoutSecrets() throws Exception {
    // Subscribed to an event this test never makes, so nothing is delivered to the address.
    Path file =
        Files.writeString(
            shared.resolve("with-webhooks.yaml"),
            Files.readString(downgraded())
                + """
                webhooks:
                  - url: https://203.0.113.10/kaiten
                    description: Billing
                    event_types: [customer.deleted]
                """);

    Run plan = kaiten("plan", file.toString());
    assertThat(plan.exit()).as(plan.err()).isEqualTo(2);
    assertThat(plan.out())
        .contains(
            "  + webhook https://203.0.113.10/kaiten\n"
                + "      description: (none) -> \"Billing\"\n"
                + "      event_types: (none) -> [\"customer.deleted\"]\n")
        .contains(": 1 to create, 0 to update, 0 to delete.");

    Run apply = kaiten("apply", file.toString());
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out())
        .contains("Applied: 1 change(s).\n")
        .containsPattern("\n  wh_[0-9a-z]+  https://203\\.0\\.113\\.10/kaiten\n$")
        .doesNotContain("whsec_");

    Run export = kaiten("export");
    assertThat(export.exit()).isZero();
    assertThat(export.out()).contains("webhooks:").doesNotContain("whsec_");
    assertThat(JSON.readTree(kaiten("export", "--json").out()).path("webhooks"))
        .isEqualTo(
            JSON.readTree(
                "[{\"url\":\"https://203.0.113.10/kaiten\",\"description\":\"Billing\","
                    + "\"event_types\":[\"customer.deleted\"]}]"));
    Path exported = Files.writeString(shared.resolve("exported-webhooks.yaml"), export.out());
    assertThat(kaiten("plan", exported.toString()).exit()).isZero();
    assertThat(kaiten("plan", downgraded().toString()).exit())
        .as("a file without a webhooks section leaves the endpoint alone")
        .isZero();
  }

  /** The catalog as exported, with pro's API calls halved and team's name as the file had it. */
  private static Path downgraded() throws IOException {
    String exported = Files.readString(shared.resolve("catalog.yaml"));
    return Files.writeString(
        shared.resolve("downgraded.yaml"),
        exported.replace("api-calls: 100000", "api-calls: 50000"));
  }

  private static Run kaiten(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                RunningKaitenLocal.ROOT.resolve("cli/target/kaiten.jar").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KAITEN_URL", local.baseUrl());
    builder.environment().put("KAITEN_TOKEN", admin);
    Path out = Files.createTempFile(shared, "out", ".txt");
    Path err = Files.createTempFile(shared, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("kaiten exits").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
