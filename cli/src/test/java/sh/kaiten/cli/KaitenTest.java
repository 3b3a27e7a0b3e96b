package sh.kaiten.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI without a server: files, text, exit codes (KaitenCliIT runs it against kaiten-local). */
class KaitenTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int kaiten(String... args) {
    return Kaiten.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void aFolderIsOneCatalogJoinedInFileNameOrder() throws Exception {
    Files.writeString(
        dir.resolve("2-tiers.yaml"),
        """
        # tiers of the plan
        tiers:
          - {slug: free, name: Free, rank: 1, entitlements: {sso: false}}
        """);
    Files.writeString(
        dir.resolve("1-entitlements.yml"),
        """
        entitlements:
          - slug: sso   # a feature gate
            name: SSO
            type: BOOLEAN
        """);
    Files.writeString(dir.resolve("notes.txt"), "not a catalog");

    assertThat(CatalogFiles.read(dir))
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    """
                    {"entitlements":[{"slug":"sso","name":"SSO","type":"BOOLEAN"}],
                     "tiers":[{"slug":"free","name":"Free","rank":1,"entitlements":{"sso":false}}]}
                    """));
  }

  @Test
  void aFolderManagesWebhooksOnlyWhenOneOfItsFilesHasTheSection() throws Exception {
    Files.writeString(dir.resolve("1-catalog.yaml"), "tiers: []\n");
    Files.writeString(
        dir.resolve("2-webhooks.yaml"),
        """
        webhooks:
          - url: https://billing.example.com/kaiten
            event_types: [license.upgraded]
        """);
    Files.writeString(dir.resolve("3-more.yaml"), "webhooks: []\n");

    assertThat(CatalogFiles.read(dir))
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    """
                    {"entitlements":[],"tiers":[],
                     "webhooks":[{"url":"https://billing.example.com/kaiten",
                                  "event_types":["license.upgraded"]}]}
                    """));

    Files.delete(dir.resolve("2-webhooks.yaml"));
    Files.delete(dir.resolve("3-more.yaml"));
    assertThat(CatalogFiles.read(dir).has("webhooks")).isFalse();
  }

  @Test
  void withoutAnUrlItFailsWithExitCodeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("catalog.yaml"), "entitlements: []\n");
    assertThat(kaiten("plan", file.toString(), "--token", "ksh_x")).isEqualTo(Kaiten.ERROR);
    assertThat(err.toString()).contains("no API URL: give --url or set KAITEN_URL");
  }

  @Test
  void aWrongCommandLineIsAnErrorNotPendingChanges() {
    assertThat(kaiten("plan", "catalog.yaml", "--nope")).isEqualTo(Kaiten.ERROR);
    assertThat(err.toString()).contains("Unknown option: '--nope'");
  }

  @Test
  void aPlanReadsAsChangesAnswersAndRefusals() throws Exception {
    String plan =
        """
        {"plan_hash":"ab12","has_changes":true,"applicable":false,
         "changes":[{"action":"UPDATE","kind":"tier","slug":"pro",
           "fields":[{"field":"entitlements.api-calls","before":100000,"after":50000}]},
           {"action":"DELETE","kind":"tier","slug":"free","fields":[{"field":"rank","before":1,"after":null}]}],
         "licenses":[{"license_id":"lic_1","customer_id":"cus_1","customer_name":"Acme Corp","tier":"pro","instances":["acme-prod"],
           "entitlements":[{"entitlement":"api-calls",
             "before":{"enabled":true,"value":100000,"source":"TIER","reason":"GRANTED"},
             "after":{"enabled":true,"value":50000,"source":"TIER","reason":"GRANTED"}}]}],
         "refusals":[{"path":"/tiers","problem":"tier 'free' cannot be deleted","licenses":["lic_2"]}]}
        """;
    StringWriter text = new StringWriter();
    PlanText.print(new ObjectMapper().readTree(plan), new PrintWriter(text, true));

    assertThat(text.toString())
        .isEqualTo(
            """
              ~ tier pro
                  entitlements.api-calls: 100000 -> 50000
              - tier free
                  rank: 1 -> (none)

            Answers that change (1 license(s)):
              license lic_1 of Acme Corp (cus_1), tier pro, instances: acme-prod
                  api-calls: 100000 (tier) -> 50000 (tier)

            Refused (the plan cannot be applied):
              /tiers: tier 'free' cannot be deleted [licenses: lic_2]

            Plan ab12: 0 to create, 1 to update, 1 to delete.
            """);
  }
}
