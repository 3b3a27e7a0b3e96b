package sh.kaiten.benchmarks.usage;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import sh.kaiten.adapters.aws.AwsClients;
import sh.kaiten.adapters.aws.AwsSettings;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.adapters.dynamodb.ChangeItems;
import sh.kaiten.adapters.dynamodb.DynamoAdminStores;
import sh.kaiten.adapters.dynamodb.DynamoAuditLog;
import sh.kaiten.adapters.dynamodb.DynamoInstanceReads;
import sh.kaiten.adapters.dynamodb.DynamoTokenStore;
import sh.kaiten.adapters.dynamodb.DynamoUsageCounters;
import sh.kaiten.adapters.sqs.SqsThresholdSignals;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Measures usage reports per second through the usage function's use case, in this JVM: {@link
 * UsageReporting} wired as the function wires it (Ports and UsageWiring: the DynamoDB catalog
 * behind {@link CachedDefinitions}, DynamoDB usage counters and tokens, SQS threshold signals, the
 * template's late window), against DynamoDB Local and ElasticMQ started by {@link LocalAws} with
 * template.yaml provisioned. Each report is what one HTTP request costs the function behind its
 * JSON mapping: the token lookup, then the use case. The {@code *-audited} scenarios add the audit
 * record of the same fields: a report's in the transaction of its counter change (as usage-api
 * writes it), an evaluation's in a PutItem before the answer; {@code evaluate} and {@code
 * evaluate-audited} measure the read path ({@link EntitlementQueries#evaluate}) the same way.
 *
 * <p>Per scenario and thread count it prints reports/s, p50 and p99 latency, reports and errors,
 * then reads every counter of the run back through {@link UsageCounters#tallies}: a counter that
 * does not hold exactly the reports answered ACCEPTED, or any error, fails the run (exit 1). Not a
 * test: run it by hand from the repository root, see BENCHMARKS.md.
 */
public final class UsageThroughput {
  private static final String FUNCTION = "UsageApiFunction";

  private record Planned(Scenario scenario, int threads, Entitlement entitlement) {}

  /**
   * @param callsPerReport DynamoDB requests per report sent, warm-up included
   */
  private record Row(
      Planned run, LoadRun.Outcome outcome, double callsPerReport, List<String> miscounts) {
    boolean failed() {
      return outcome.errors() > 0 || !miscounts.isEmpty();
    }
  }

  private UsageThroughput() {}

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    pointSqliteAtItsNativeLibrary();
    // The JDK keeps 5 idle connections per host by default; more threads would reconnect on nearly
    // every request, which no function instance does (each keeps its own connection).
    int mostThreads = options.threads().stream().max(Integer::compare).orElseThrow();
    System.setProperty("http.maxConnections", String.valueOf(mostThreads * 2));
    boolean failed;
    Path template = CloudFormationTemplate.locate(Path.of(""));
    try (LocalAws aws =
        quietly(() -> LocalAws.start(CloudFormationTemplate.read(template), null))) {
      failed = measure(options, aws);
    }
    System.exit(failed ? 1 : 0);
  }

  private static boolean measure(Options options, LocalAws aws) throws InterruptedException {
    Map<String, String> env = aws.resources().localEnvironmentOf(FUNCTION);
    // The SDK's default credentials chain reads these; the local services accept any credentials.
    System.setProperty("aws.accessKeyId", aws.credentials().accessKeyId());
    System.setProperty("aws.secretAccessKey", aws.credentials().secretAccessKey());
    AwsSettings settings =
        new AwsSettings(
            LocalAws.REGION, Optional.of(aws.dynamoEndpoint()), Optional.of(aws.sqsEndpoint()));
    RoundTrips roundTrips = new RoundTrips();
    DynamoDbClient dynamo = AwsClients.dynamo(settings, roundTrips);
    SqsClient sqs = AwsClients.sqs(settings);
    // The seeding writes no events nor audit records (a silent journal): no outbox table is needed.
    ChangeItems changes = new ChangeItems(null, env.get("KAITEN_TABLE_AUDIT"));
    TokenStore tokens = new DynamoTokenStore(dynamo, env.get("KAITEN_TABLE_TOKENS"), changes);
    AdminStores catalog =
        DynamoAdminStores.of(dynamo, env.get("KAITEN_TABLE_CATALOG"), tokens, changes);
    UsageCounters counters =
        new DynamoUsageCounters(dynamo, env.get("KAITEN_TABLE_USAGE"), changes);
    Clock clock = Clock.systemUTC();
    Definitions reportingDefinitions =
        new CachedDefinitions(catalog.definitions(), clock, CachedDefinitions.TTL);
    UsageReporting reporting =
        new UsageReporting(
            reportingDefinitions,
            new InstanceLookup(
                reportingDefinitions,
                catalog.instances(),
                catalog.licenses(),
                new DynamoInstanceReads(
                    dynamo, env.get("KAITEN_TABLE_CATALOG"), env.get("KAITEN_TABLE_USAGE"))),
            counters,
            new SqsThresholdSignals(sqs, env.get("KAITEN_QUEUE_THRESHOLDS")),
            clock,
            Duration.parse(env.get("KAITEN_USAGE_LATE_WINDOW")));
    DynamoInstanceReads reads =
        new DynamoInstanceReads(
            dynamo, env.get("KAITEN_TABLE_CATALOG"), env.get("KAITEN_TABLE_USAGE"));
    Definitions queryDefinitions =
        new CachedDefinitions(catalog.definitions(), clock, CachedDefinitions.TTL);
    EntitlementQueries queries =
        new EntitlementQueries(
            queryDefinitions,
            new InstanceLookup(queryDefinitions, catalog.instances(), catalog.licenses(), reads),
            counters,
            clock);
    Auditing auditing =
        new Auditing(
            new DynamoAuditLog(dynamo, env.get("KAITEN_TABLE_AUDIT")), clock, Duration.ofDays(400));

    List<Planned> plan = plan(options);
    System.err.printf(
        "seeding a tenant: %d entitlements, the hot instance and %d more%n",
        plan.size(), options.instances());
    MeteredTenant tenant =
        MeteredTenant.seed(
            catalog,
            aws.resources().secretValue("BootstrapSecret"),
            plan.stream().map(Planned::entitlement).toList(),
            options.instances());

    List<Row> rows = new ArrayList<>();
    for (Planned run : plan) {
      System.err.printf(
          "%s, %d threads: %s warm-up, %d x %s measured%n",
          run.scenario().name(),
          run.threads(),
          options.warmUp(),
          options.iterations(),
          options.iteration());
      roundTrips.drain();
      ReportTraffic traffic =
          new ReportTraffic(
              run.entitlement().slug(),
              run.scenario(),
              run.entitlement(),
              tenant,
              tokens,
              reporting,
              queries,
              auditing);
      LoadRun.Outcome outcome =
          LoadRun.run(
              run.threads(),
              options.warmUp(),
              options.iteration(),
              options.iterations(),
              traffic::send);
      Map<String, Long> calls = roundTrips.drain();
      long sent = traffic.answered() + outcome.errors();
      double callsPerReport =
          calls.values().stream().mapToLong(Long::longValue).sum() / (double) sent;
      System.err.printf("  DynamoDB requests per request: %s%n", perReport(calls, sent));
      Row row = new Row(run, outcome, callsPerReport, traffic.miscounts(counters));
      row.miscounts().forEach(miscount -> System.err.println("  MISCOUNT " + miscount));
      if (outcome.firstError() != null) {
        System.err.println("  first error: " + outcome.firstError());
      }
      System.err.printf("  %d requests answered in all, warm-up included%n", traffic.answered());
      rows.add(row);
    }
    print(options, rows);
    return rows.stream().anyMatch(Row::failed);
  }

  /**
   * Every chosen scenario for every thread count, each with an entitlement (so counters) of its
   * own.
   */
  private static List<Planned> plan(Options options) {
    Metering metering =
        new Metering(
            Aggregation.SUM,
            Reset.NONE,
            null,
            MeterScope.INSTANCE,
            Enforcement.SOFT,
            null,
            null,
            "reports");
    Metering sharded =
        new Metering(
            Aggregation.SUM,
            Reset.NONE,
            null,
            MeterScope.INSTANCE,
            Enforcement.SOFT,
            null,
            null,
            "reports",
            options.shards());
    List<Planned> plan = new ArrayList<>();
    for (Scenario scenario : Scenario.ALL) {
      if (!options.scenarios().isEmpty() && !options.scenarios().contains(scenario.name())) {
        continue;
      }
      Metering settings = scenario.sharded() ? sharded : metering;
      for (int threads : options.threads()) {
        String slug = scenario.name() + "-t" + threads;
        plan.add(
            new Planned(
                scenario,
                threads,
                new Entitlement(slug, slug, EntitlementType.NUMERIC, settings, null, null)));
      }
    }
    return plan;
  }

  private static void print(Options options, List<Row> rows) {
    System.out.printf(
        "%nEach run: %s warm-up, then %d windows of %s; %d fleet instances for spread.%n%n",
        options.warmUp(), options.iterations(), options.iteration(), options.instances());
    System.out.println(
        "| scenario | threads | requests | requests/s | windows (min–max) | p50 | p99 | DynamoDB calls/request | errors | counters |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Row row : rows) {
      LoadRun.Outcome outcome = row.outcome();
      double min = Arrays.stream(outcome.perSecond()).min().orElse(0);
      double max = Arrays.stream(outcome.perSecond()).max().orElse(0);
      System.out.printf(
          "| %s | %d | %d | %.0f | %.0f–%.0f | %s | %s | %.2f | %d | %s |%n",
          row.run().scenario().name(),
          row.run().threads(),
          outcome.reports(),
          outcome.meanPerSecond(),
          min,
          max,
          millis(outcome.p50Nanos()),
          millis(outcome.p99Nanos()),
          row.callsPerReport(),
          outcome.errors(),
          row.miscounts().isEmpty() ? "exact" : "MISCOUNT (" + row.miscounts().size() + ")");
    }
  }

  /**
   * DynamoDB Local prints its settings on standard output, which is kept for the Markdown table.
   */
  private static <T> T quietly(Supplier<T> start) {
    PrintStream out = System.out;
    System.setOut(System.err);
    try {
      return start.get();
    } finally {
      System.setOut(out);
    }
  }

  private static String perReport(Map<String, Long> calls, long reports) {
    StringBuilder text = new StringBuilder();
    calls.forEach(
        (operation, count) ->
            text.append(text.isEmpty() ? "" : ", ")
                .append(operation)
                .append(' ')
                .append("%.2f".formatted(count / (double) reports)));
    return text.toString();
  }

  private static String millis(long nanos) {
    return BigDecimal.valueOf(nanos).movePointLeft(6).setScale(1, RoundingMode.HALF_UP) + " ms";
  }

  private static void pointSqliteAtItsNativeLibrary() {
    if (System.getProperty("sqlite4java.library.path") == null) {
      try {
        Path jar =
            Path.of(
                UsageThroughput.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        System.setProperty(
            "sqlite4java.library.path", jar.getParent().resolve("native-libs").toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
