package sh.kaiten.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kaiten}: the catalog as code. Exit codes fit CI: {@value #NO_CHANGES} nothing to change
 * (or applied), {@value #CHANGES_PENDING} a plan with changes, {@value #ERROR} an error or a
 * refused plan.
 */
@Command(
    name = "kaiten",
    mixinStandardHelpOptions = true,
    version = "kaiten 0.1.0",
    description = "Kaiten's catalog as code: plan a catalog file, apply it, export the catalog.",
    subcommands = {Kaiten.Plan.class, Kaiten.Apply.class, Kaiten.Export.class},
    footer = {
      "",
      "Exit codes: 0 no changes (or applied), 2 changes pending (plan), 1 error or refused.",
      "KAITEN_URL and KAITEN_TOKEN stand for --url and --token."
    })
public final class Kaiten implements Runnable {
  static final int NO_CHANGES = 0;
  static final int ERROR = 1;
  static final int CHANGES_PENDING = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line, writing to {@code out} and {@code err}; answers the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine command = new CommandLine(new Kaiten());
    command.setOut(out);
    command.setErr(err);
    command.setParameterExceptionHandler(
        (refused, given) -> {
          err.println("error: " + refused.getMessage());
          refused.getCommandLine().usage(err);
          return ERROR;
        });
    command.setExecutionExceptionHandler(
        (failed, line, parsed) -> {
          err.println("error: " + failed.getMessage());
          return ERROR;
        });
    return command.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Where the API is and who asks. */
  static final class Connection {
    @Option(
        names = "--url",
        defaultValue = "${env:KAITEN_URL}",
        description = "the API's base URL, e.g. http://127.0.0.1:8080 (default: $KAITEN_URL)")
    String url;

    @Option(
        names = "--token",
        defaultValue = "${env:KAITEN_TOKEN}",
        description = "an admin token (default: $KAITEN_TOKEN)")
    String token;

    @Option(names = "--json", description = "print the answer as JSON, not as text")
    boolean json;

    KaitenApi api() {
      return new KaitenApi(url, token);
    }
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = "Show what applying the catalog file (or folder) would change; change nothing.")
  static final class Plan implements Callable<Integer> {
    @Mixin Connection connection;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a catalog file (YAML or JSON) or a folder")
    Path file;

    @Override
    public Integer call() throws IOException {
      JsonNode plan = connection.api().plan(CatalogFiles.read(file));
      print(spec, connection, plan);
      if (!plan.path("applicable").asBoolean()) {
        return ERROR;
      }
      return plan.path("has_changes").asBoolean() ? CHANGES_PENDING : NO_CHANGES;
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Plan the catalog file (or folder) and apply it in one step, all or nothing; refused"
              + " when the catalog changed since the plan.")
  static final class Apply implements Callable<Integer> {
    @Mixin Connection connection;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a catalog file (YAML or JSON) or a folder")
    Path file;

    @Option(
        names = "--plan-hash",
        description =
            "apply only if the plan is still this one (the hash a reviewed `kaiten plan` printed)")
    String planHash;

    @Override
    public Integer call() throws IOException {
      JsonNode catalog = CatalogFiles.read(file);
      KaitenApi api = connection.api();
      JsonNode plan = api.plan(catalog);
      if (!plan.path("applicable").asBoolean()) {
        print(spec, connection, plan);
        return ERROR;
      }
      if (!plan.path("has_changes").asBoolean() && planHash == null) {
        print(spec, connection, plan);
        return NO_CHANGES;
      }
      JsonNode applied =
          api.apply(catalog, planHash == null ? plan.path("plan_hash").asText() : planHash);
      print(spec, connection, applied);
      if (!connection.json) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Applied: " + applied.path("changes").size() + " change(s).");
        newSecrets(api, applied, out);
      }
      return NO_CHANGES;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Print the catalog as stored, as a catalog file (YAML; --json for JSON).")
  static final class Export implements Callable<Integer> {
    @Mixin Connection connection;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      JsonNode catalog = connection.api().export();
      PrintWriter out = spec.commandLine().getOut();
      if (connection.json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(catalog));
      } else {
        out.println("# Kaiten catalog, exported from " + connection.url);
        out.println("# Check it with `kaiten plan FILE`; apply changes with `kaiten apply FILE`.");
        out.print(CatalogFiles.yaml(catalog));
      }
      out.flush();
      return NO_CHANGES;
    }
  }

  /**
   * Where to read the signing secret of each endpoint the apply created: no file and no answer of
   * the apply holds one (docs/catalog.md), so the CLI names the endpoint to rotate.
   */
  private static void newSecrets(KaitenApi api, JsonNode applied, PrintWriter out) {
    List<String> created = new ArrayList<>();
    for (JsonNode change : applied.path("changes")) {
      if (change.path("kind").asText().equals("webhook")
          && change.path("action").asText().equals("CREATE")) {
        created.add(change.path("slug").asText());
      }
    }
    if (created.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "New webhook endpoints sign with a secret no file holds; read it once, into your"
            + " receiver's settings, with POST /api/webhooks/ID/rotate-secret:");
    for (JsonNode endpoint : api.webhooks()) {
      if (created.contains(endpoint.path("url").asText())) {
        out.println("  " + endpoint.path("id").asText() + "  " + endpoint.path("url").asText());
      }
    }
    out.flush();
  }

  private static void print(
      CommandLine.Model.CommandSpec spec, Connection connection, JsonNode plan) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (connection.json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan));
    } else {
      PlanText.print(plan, out);
    }
    out.flush();
  }
}
