package sh.kaiten.benchmarks.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import sh.kaiten.adapters.aws.AwsClients;
import sh.kaiten.adapters.aws.AwsSettings;
import sh.kaiten.adapters.dynamodb.DynamoRequestBudget;
import sh.kaiten.benchmarks.support.KaitenLocalProcess;
import sh.kaiten.benchmarks.usage.LoadRun;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Requests per second and p50/p99 through kaiten-local's front door: an evaluation, a report and a
 * 100-event batch, each at 1, 8 and 32 client threads, beside the in-process use case
 * (usage-throughput's {@code evaluate-audited} and {@code hot-audited}) measured in the same run,
 * one after the other.
 *
 * <p>Both sides are the packaged jars in their own processes, as a user runs them. The clients are
 * blocking HttpURLConnections on kept-alive connections, one per thread, driven closed-loop by
 * usage-throughput's {@link LoadRun} so that both sides count alike; every answer is checked
 * (status, and ACCEPTED for each report), and after the run the counter must hold exactly the
 * reports answered ACCEPTED: a miscount or any error makes the command exit 1. Not a test: run it
 * by hand, see BENCHMARKS.md.
 *
 * <p>The {@code leased} scenario (only when named) decides a HARD limit: SDK clients deciding from
 * leases ({@link LeasedDecisions}), then the same threads reporting each decision to the server, on
 * one instance's counter; it must hold exactly the uses allowed and the reports answered ACCEPTED.
 */
public final class HttpThroughput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| (\\S+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| [^|]+ \\| ([\\d.]+) ms \\| ([\\d.]+) ms \\|.*$");
  private static final String INSTANCE = "bench-1";
  private static final int TENANT_BUDGET_PER_SECOND = 1_000_000;
  private static final String SLUG = "bench-calls";

  /** HARD SUM, so the SDK leases it and the server checks the limit on every plain report. */
  private static final String QUOTA = "bench-quota";

  private static final int BATCH = 100;

  /** The in-process scenario each HTTP request is the same use case as; the batch has none. */
  private static final Map<String, String> IN_PROCESS =
      Map.of("evaluate", "evaluate-audited", "report", "hot-audited");

  /** The function each HTTP request is answered by (the template's logical id, its log's name). */
  private static final Map<String, String> FUNCTION =
      Map.of(
          "evaluate", "EntitlementsApiFunction",
          "report", "UsageApiFunction",
          "batch", "UsageApiFunction");

  private record Figures(
      long requests, double perSecond, double p50Millis, double p99Millis, long errors) {}

  /** What a counter holds after the run, and what it must hold. */
  private record Count(String slug, long held, long expected) {
    boolean exact() {
      return held == expected;
    }

    @Override
    public String toString() {
      return exact()
          ? slug + " exact (" + held + " counted)"
          : slug
              + " MISCOUNT: the counter holds "
              + held
              + ", "
              + expected
              + " were answered ACCEPTED or allowed";
    }
  }

  private HttpThroughput() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path root = root();
    // One kept-alive connection per client thread, as each of wrk's connections.
    System.setProperty(
        "http.maxConnections",
        String.valueOf(options.threads().stream().max(Integer::compare).orElse(1) * 2));
    System.err.printf(
        "load average before the run: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    Map<String, Figures> inProcess = options.inProcess() ? inProcess(root, options) : Map.of();
    boolean failed;
    try (KaitenLocalProcess local =
        KaitenLocalProcess.start(
            root,
            "http-throughput",
            List.of(
                "--in-memory",
                "--concurrency",
                Integer.toString(options.concurrency()),
                "--environment-concurrency",
                Integer.toString(options.environmentConcurrency()),
                "--jit",
                options.jit()))) {
      System.err.println("kaiten-local: " + String.join(" ", local.command()));
      String base = local.baseUrl();
      JsonNode state = JSON.readTree(local.stateFile().toFile());
      liftRequestBudget(state);
      String admin = state.path("admin_token").asText();
      String token = seed(base, admin);
      failed = measure(options, base, token, inProcess, local.dir());
      if (failed) {
        System.err.println(
            "the run had errors: kaiten-local's logs are kept in "
                + local.keepLogs(root.resolve("benchmarks/http-throughput/target")));
      }
    }
    System.err.printf(
        "load average after the run: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    System.exit(failed ? 1 : 0);
  }

  private static boolean measure(
      Options options, String base, String token, Map<String, Figures> inProcess, Path dir)
      throws InterruptedException, IOException {
    AtomicLong counted = new AtomicLong();
    AtomicLong quotaCounted = new AtomicLong();
    List<String> lines = new ArrayList<>();
    List<String> leasedLines = new ArrayList<>();
    boolean failed = false;
    for (String scenario : options.scenarios()) {
      for (int threads : options.threads()) {
        if (scenario.equals("leased")) {
          failed |= leased(options, base, token, threads, quotaCounted, leasedLines);
          continue;
        }
        System.err.printf(
            "%s, %d threads: %s warm-up, %d x %s measured%n",
            scenario, threads, options.warmUp(), options.iterations(), options.iteration());
        Client client = new Client(base, token, scenario, SLUG, counted);
        FunctionReports reports = new FunctionReports(dir, FUNCTION.get(scenario));
        LoadRun.Outcome outcome =
            LoadRun.run(
                threads,
                options.warmUp(),
                options.iteration(),
                options.iterations(),
                client::send,
                reports::mark);
        if (outcome.errors() > 0) {
          failed = true;
          System.err.println("  first error: " + outcome.firstError());
        }
        Figures http =
            new Figures(
                outcome.reports(),
                outcome.meanPerSecond(),
                outcome.p50Nanos() / 1e6,
                outcome.p99Nanos() / 1e6,
                outcome.errors());
        Figures same = inProcess.get(IN_PROCESS.getOrDefault(scenario, "") + "/" + threads);
        lines.add(row(scenario, threads, http, reports.p50SinceMark(), same));
      }
    }
    List<Count> counts = new ArrayList<>(List.of(count(base, token, SLUG, counted.get())));
    System.out.printf(
        "%nEach run: %s warm-up, then %d windows of %s; kaiten-local --concurrency %d"
            + " --environment-concurrency %d --jit %s.%n",
        options.warmUp(),
        options.iterations(),
        options.iteration(),
        options.concurrency(),
        options.environmentConcurrency(),
        options.jit());
    if (!lines.isEmpty()) {
      System.out.println();
      System.out.println(
          "| request | threads | requests | requests/s | p50 | p99 | errors | in the function (p50) "
              + "| in-process (same run) | in-process requests/s | in-process p50 | front door adds (p50) "
              + "| share of in-process rate |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
      lines.forEach(System.out::println);
    }
    if (!leasedLines.isEmpty()) {
      counts.add(count(base, token, QUOTA, quotaCounted.get()));
      System.out.println();
      System.out.println(
          "| decided | threads (clients) | decisions | decisions/s | p50 | p99 | mean | errors "
              + "| decided without a request | grants + settlements + releases | server writes per 1,000 decisions |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      leasedLines.forEach(System.out::println);
      System.out.println(
          "\nThe mean is threads ÷ decisions/s (a closed loop). Decisions without a request and writes"
              + " count the warm-up too; each write is one DynamoDB transaction (the counter with its audit record).");
    }
    System.out.printf(
        "%nCounters after the run: %s.%n",
        counts.stream().map(Count::toString).collect(Collectors.joining("; ")));
    return failed || counts.stream().anyMatch(count -> !count.exact());
  }

  /**
   * The leased scenario at {@code threads}: SDK clients deciding from leases, then the same threads
   * asking the server for each decision (a plain report of 1, which the server holds to the HARD
   * limit). Answers whether anything failed.
   */
  private static boolean leased(
      Options options,
      String base,
      String token,
      int threads,
      AtomicLong quotaCounted,
      List<String> lines)
      throws InterruptedException {
    System.err.printf(
        "leased, %d clients: %s warm-up, %d x %s measured%n",
        threads, options.warmUp(), options.iterations(), options.iteration());
    LeasedDecisions.Outcome leased =
        LeasedDecisions.run(base, token, INSTANCE, QUOTA, threads, options);
    quotaCounted.addAndGet(leased.allowed());
    LeasedDecisions.Totals totals = leased.leases();
    System.err.printf("  %d uses allowed (warm-up included): %s%n", leased.allowed(), totals);
    System.err.printf(
        "report per decision, %d threads: %s warm-up, %d x %s measured%n",
        threads, options.warmUp(), options.iterations(), options.iteration());
    long before = quotaCounted.get();
    LoadRun.Outcome perDecision =
        LoadRun.run(
            threads,
            options.warmUp(),
            options.iteration(),
            options.iterations(),
            new Client(base, token, "report", QUOTA, quotaCounted)::send);
    long reports = quotaCounted.get() - before;
    LoadRun.Outcome run = leased.run();
    long decided = totals.decidedLocally() + totals.decidedAfterRequest();
    lines.add(
        "| from a lease (`use`) | %d | %d | %.0f | %s | %s | %s | %d | %s %% (%d after a request) | %d + %d + %d | %s |"
            .formatted(
                threads,
                run.reports(),
                run.meanPerSecond(),
                duration(run.p50Nanos()),
                duration(run.p99Nanos()),
                duration(Math.round(threads * 1e9 / run.meanPerSecond())),
                run.errors(),
                significant(100.0 * totals.decidedLocally() / decided, 7),
                totals.decidedAfterRequest(),
                totals.grants(),
                totals.settlements(),
                totals.releases(),
                significant(1000.0 * totals.writes() / decided, 3)));
    lines.add(
        "| by the server (`POST .../usage`) | %d | %d | %.0f | %s | %s | %s | %d | 0 %% | %d reports | 1,000 |"
            .formatted(
                threads,
                perDecision.reports(),
                perDecision.meanPerSecond(),
                duration(perDecision.p50Nanos()),
                duration(perDecision.p99Nanos()),
                duration(Math.round(threads * 1e9 / perDecision.meanPerSecond())),
                perDecision.errors(),
                reports));
    for (LoadRun.Outcome outcome : List.of(run, perDecision)) {
      System.err.printf(
          "  %s per second, window by window: %s%n",
          outcome == run ? "uses" : "reports",
          Arrays.stream(outcome.perSecond())
              .mapToObj(rate -> "%.0f".formatted(rate))
              .collect(Collectors.joining(", ")));
      if (outcome.errors() > 0) {
        System.err.println("  first error: " + outcome.firstError());
      }
    }
    return run.errors() > 0
        || perDecision.errors() > 0
        || totals.refused() > 0
        || decided != leased.allowed();
  }

  private static Count count(String base, String token, String slug, long expected)
      throws IOException {
    return new Count(
        slug,
        JSON.readTree(
                Client.call(
                    base,
                    token,
                    "GET",
                    "/api/instances/" + INSTANCE + "/entitlements/" + slug + "/usage",
                    null))
            .path("current_usage")
            .asLong(),
        expected);
  }

  /**
   * @param inFunctionP50 the median of the function's own REPORT durations over the measured
   *     windows
   */
  private static String row(
      String scenario, int threads, Figures http, double inFunctionP50, Figures same) {
    String left =
        "| %s | %d | %d | %.0f | %s | %s | %d | %s |"
            .formatted(
                scenario,
                threads,
                http.requests(),
                http.perSecond(),
                millis(http.p50Millis()),
                millis(http.p99Millis()),
                http.errors(),
                Double.isNaN(inFunctionP50) ? "—" : millis(inFunctionP50));
    if (same == null) {
      return left + " — | | | | |";
    }
    return left
        + " %s | %.0f | %s | %s | %.0f %% |"
            .formatted(
                IN_PROCESS.get(scenario),
                same.perSecond(),
                millis(same.p50Millis()),
                (http.p50Millis() >= same.p50Millis() ? "+" : "")
                    + millis(http.p50Millis() - same.p50Millis()),
                100 * http.perSecond() / same.perSecond());
  }

  /**
   * usage-throughput's figures for the same use cases, from its Markdown table, keyed
   * "scenario/threads".
   */
  private static Map<String, Figures> inProcess(Path root, Options options)
      throws IOException, InterruptedException {
    if (options.scenarios().stream().noneMatch(IN_PROCESS::containsKey)) {
      return Map.of();
    }
    Path jar = root.resolve("benchmarks/usage-throughput/target/usage-throughput.jar");
    List<String> command =
        List.of(
            java(),
            "-jar",
            jar.toString(),
            "--seconds",
            Long.toString(options.measured().toSeconds()),
            "--warmup",
            Long.toString(options.warmUp().toSeconds()),
            "--iterations",
            Integer.toString(options.iterations()),
            "--threads",
            options.threads().stream().map(String::valueOf).collect(Collectors.joining(",")),
            "--scenarios",
            options.scenarios().stream()
                .filter(IN_PROCESS::containsKey)
                .map(IN_PROCESS::get)
                .collect(Collectors.joining(",")));
    System.err.println("in-process: " + String.join(" ", command));
    Process process =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String table = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("usage-throughput failed:\n" + table);
    }
    Map<String, Figures> figures = new LinkedHashMap<>();
    for (String line : table.lines().toList()) {
      Matcher matcher = ROW.matcher(line);
      if (matcher.matches()) {
        figures.put(
            matcher.group(1) + "/" + matcher.group(2),
            new Figures(
                Long.parseLong(matcher.group(3)),
                Double.parseDouble(matcher.group(4)),
                Double.parseDouble(matcher.group(5)),
                Double.parseDouble(matcher.group(6)),
                0));
      }
    }
    System.err.print(table);
    return figures;
  }

  /**
   * Gives the benchmark's tenant a request budget of its own far above what this machine can serve,
   * as a vendor does for a big customer (the LIMIT item of docs/operations.md in the request
   * budgets table), before its first request: at the template's default of 100 requests a second,
   * 429s would be what is measured.
   */
  private static void liftRequestBudget(JsonNode state) {
    JsonNode endpoints = state.path("aws_endpoints");
    // The SDK's default credentials chain reads these; the local services accept any credentials.
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    AwsSettings settings =
        new AwsSettings(
            endpoints.path("region").asText(),
            Optional.of(URI.create(endpoints.path("dynamodb").asText())),
            Optional.empty());
    try (DynamoDbClient dynamo = AwsClients.dynamo(settings)) {
      String table =
          dynamo.listTables().tableNames().stream()
              .filter(name -> name.contains("RequestBudgets"))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("kaiten-local has no request budgets table"));
      new DynamoRequestBudget(
              dynamo, table, Clock.systemUTC(), TENANT_BUDGET_PER_SECOND, Duration.ofSeconds(1))
          .setLimit(state.path("tenant_id").asText(), TENANT_BUDGET_PER_SECOND);
    }
  }

  /**
   * A catalog like usage-throughput's: a SOFT SUM counter that never resets, with a limit no run
   * reaches, so every report is counted and none signals a threshold; and a HARD SUM counter like
   * it for the leased scenario. Answers the instance's token.
   */
  private static String seed(String base, String admin) throws IOException {
    Client.call(
        base,
        admin,
        "POST",
        "/api/entitlements",
        "{\"slug\":\""
            + SLUG
            + "\",\"name\":\"Bench calls\","
            + "\"type\":\"NUMERIC\",\"enforcement\":\"SOFT\",\"reset\":\"NONE\",\"unit\":\"calls\"}");
    Client.call(
        base,
        admin,
        "POST",
        "/api/entitlements",
        "{\"slug\":\""
            + QUOTA
            + "\",\"name\":\"Bench quota\","
            + "\"type\":\"NUMERIC\",\"enforcement\":\"HARD\",\"aggregation\":\"SUM\",\"reset\":\"NONE\",\"unit\":\"calls\"}");
    Client.call(
        base,
        admin,
        "POST",
        "/api/tiers",
        "{\"slug\":\"bench\",\"name\":\"Bench\",\"rank\":1,"
            + "\"entitlements\":{\""
            + SLUG
            + "\":1000000000000,\""
            + QUOTA
            + "\":1000000000000}}");
    String customer =
        JSON.readTree(Client.call(base, admin, "POST", "/api/customers", "{\"name\":\"Bench\"}"))
            .path("id")
            .asText();
    String license =
        JSON.readTree(
                Client.call(
                    base,
                    admin,
                    "POST",
                    "/api/licenses",
                    "{\"customer_id\":\"" + customer + "\",\"tier\":\"bench\"}"))
            .path("id")
            .asText();
    return JSON.readTree(
            Client.call(
                base,
                admin,
                "POST",
                "/api/instances",
                "{\"id\":\""
                    + INSTANCE
                    + "\",\"license_id\":\""
                    + license
                    + "\",\"name\":\"Bench\"}"))
        .path("token")
        .path("token")
        .asText();
  }

  /** One scenario's requests; each thread's HttpURLConnections share the JDK's keep-alive cache. */
  private static final class Client {
    private static final String ACCEPTED = "\"status\":\"ACCEPTED\"";

    private final String base;
    private final String token;
    private final String scenario;
    private final String slug;
    private final String batchBody;
    private final AtomicLong counted;

    /** {@code counted} gets the reports of {@code slug} answered ACCEPTED. */
    Client(String base, String token, String scenario, String slug, AtomicLong counted) {
      this.base = base;
      this.token = token;
      this.scenario = scenario;
      this.slug = slug;
      this.batchBody =
          "{\"events\":["
              + IntStream.range(0, BATCH)
                  .mapToObj(i -> "{\"entitlement_slug\":\"" + slug + "\",\"value\":1}")
                  .collect(Collectors.joining(","))
              + "]}";
      this.counted = counted;
    }

    void send(int thread, long sequence) {
      try {
        switch (scenario) {
          case "evaluate" -> {
            String answer =
                call(
                    base,
                    token,
                    "GET",
                    "/api/instances/" + INSTANCE + "/entitlements/" + slug,
                    null);
            if (!answer.contains("\"enabled\":true")) {
              throw new IllegalStateException("not enabled: " + answer);
            }
          }
          case "report" -> {
            String answer =
                call(
                    base,
                    token,
                    "POST",
                    "/api/instances/" + INSTANCE + "/usage",
                    "{\"entitlement_slug\":\"" + slug + "\",\"value\":1}");
            counted.addAndGet(occurrences(answer, ACCEPTED));
            if (!answer.contains(ACCEPTED)) {
              throw new IllegalStateException("not accepted: " + answer);
            }
          }
          case "batch" -> {
            String answer =
                call(base, token, "POST", "/api/instances/" + INSTANCE + "/usage/batch", batchBody);
            int accepted = occurrences(answer, ACCEPTED);
            counted.addAndGet(accepted);
            if (accepted != BATCH) {
              throw new IllegalStateException(accepted + " of " + BATCH + " accepted: " + answer);
            }
          }
          default -> throw new IllegalArgumentException("no scenario " + scenario);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static int occurrences(String text, String part) {
      int count = 0;
      for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
        count++;
      }
      return count;
    }

    /** The body of a 2xx answer; any other status throws, with what came back. */
    static String call(String base, String token, String method, String path, String body)
        throws IOException {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      connection.setRequestMethod(method);
      connection.setRequestProperty("Authorization", "Bearer " + token);
      connection.setConnectTimeout(10_000);
      connection.setReadTimeout(60_000);
      if (body != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = connection.getResponseCode();
      try (InputStream in =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (status / 100 != 2) {
          throw new IllegalStateException(
              method + " " + path + " answered " + status + ": " + answer);
        }
        return answer;
      }
    }
  }

  private static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("template.yaml"))
          && Files.isDirectory(dir.resolve("infra/local"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "run from the repository (no template.yaml with infra/local above here)");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String millis(double millis) {
    return BigDecimal.valueOf(millis).setScale(1, RoundingMode.HALF_UP) + " ms";
  }

  /** Shares and ratios far from 1 (99.99999 %, 0.00118): {@code digits} significant digits. */
  private static String significant(double value, int digits) {
    return new BigDecimal(value)
        .round(new MathContext(digits))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** A latency in the unit that fits it: ns, µs or ms. */
  private static String duration(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return BigDecimal.valueOf(nanos / 1e3).setScale(1, RoundingMode.HALF_UP) + " µs";
    }
    return millis(nanos / 1e6);
  }
}
