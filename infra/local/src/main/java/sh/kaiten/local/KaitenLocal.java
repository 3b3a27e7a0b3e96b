package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import sh.kaiten.cli.CatalogFiles;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.local.aws.LocalSecretsManager;
import sh.kaiten.local.aws.ProvisionedResources;

/**
 * kaiten-local: the whole Kaiten function set on one machine, with no Docker and no AWS account.
 * DynamoDB Local and ElasticMQ on loopback, provisioned from template.yaml; each function's real
 * build output in its own process behind the Lambda Runtime API; an HTTP front door routed as the
 * template's HttpApi events say. Ctrl-C stops everything.
 */
public final class KaitenLocal implements AutoCloseable {
  private static final String FUNCTION_TYPE = "AWS::Serverless::Function";
  private static final String BOOTSTRAP_SECRET = "BootstrapSecret";
  private static final String BOOTSTRAP_PATH = "/api/tenants";
  private static final String CONSOLE_PATH = "/console";

  /**
   * How long a stream batch that failed waits before it is handed over again (Lambda retries at
   * once, with backoff).
   */
  private static final Duration STREAM_RETRY_DELAY = Duration.ofSeconds(1);

  private final Options options;
  private final LocalAws aws;
  private final LocalSecretsManager secretsManager;
  private final List<LocalFunction> functions = new ArrayList<>();
  private final List<SqsTrigger> triggers = new ArrayList<>();
  private final List<StreamTrigger> streamTriggers = new ArrayList<>();
  private final List<ScheduleTrigger> schedules = new ArrayList<>();
  private final ScheduledExecutorService clock =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "schedules");
            thread.setDaemon(true);
            return thread;
          });
  private final FrontDoor frontDoor;
  private final LocalState state;

  private KaitenLocal(Options options) throws IOException {
    this.options = options;
    Path templateFile =
        options.template() != null
            ? options.template().toAbsolutePath()
            : CloudFormationTemplate.locate(Path.of(""));
    Path root = templateFile.getParent();
    CloudFormationTemplate template = CloudFormationTemplate.read(templateFile);
    Files.createDirectories(options.workDir());
    pointSqliteAtItsNativeLibrary();
    this.aws =
        LocalAws.start(
            template,
            options.inMemory() ? null : options.workDir().resolve("dynamodb"),
            // Local receivers (http://127.0.0.1:...) must be reachable: the SSRF guard is lifted
            // here, and only here.
            Map.of("Runtime", "jvm", "WebhooksAllowPrivate", "true"));
    FrontDoor door = null;
    this.secretsManager = LocalSecretsManager.start(aws.resources());
    try {
      ProvisionedResources resources = aws.resources();
      stopOrphansOfAnEarlierRun(options.workDir()); // before their folders are unpacked again
      List<HttpRoute> routes = new ArrayList<>();
      for (var entry : template.resourcesOfType(FUNCTION_TYPE).entrySet()) {
        Map<String, Object> events = events(entry.getValue());
        // HTTP functions scale as Lambda does; a queue's or a schedule's function runs one
        // environment.
        LocalFunction.Scaling scaling =
            TemplateEvents.enabled(events, "HttpApi").isEmpty()
                ? LocalFunction.Scaling.ONE
                : new LocalFunction.Scaling(
                    options.concurrency(), options.environmentConcurrency());
        LocalFunction function =
            function(template, resources, root, entry.getKey(), entry.getValue(), scaling);
        functions.add(function);
        routes.addAll(httpRoutes(events, function));
        for (SqsTrigger.Mapping mapping : SqsTrigger.mappings(events, resources::resolve)) {
          triggers.add(new SqsTrigger(mapping, function, aws.sqs(), options.sqsRetryDelay()));
        }
        for (StreamTrigger.Mapping mapping : StreamTrigger.mappings(events, resources::resolve)) {
          streamTriggers.add(
              new StreamTrigger(
                  mapping,
                  function,
                  aws.streams(),
                  LocalAws.REGION,
                  options.sqsRetryDelay().orElse(STREAM_RETRY_DELAY)));
        }
        for (ScheduleTrigger.Mapping mapping :
            ScheduleTrigger.mappings(events, resources::resolve)) {
          schedules.add(
              new ScheduleTrigger(mapping, function, LocalAws.REGION, LocalAws.ACCOUNT_ID));
        }
      }
      door = new FrontDoor(options.port(), routes, schedules);
      this.frontDoor = door;
      // The function that bootstraps starts alone, so the first start is not slowed by all the
      // others
      // starting at once on a small machine; they start once the bootstrap (and demo) requests are
      // done.
      door.functionFor("POST", BOOTSTRAP_PATH).ifPresent(LocalFunction::start);
      this.state =
          options.inMemory()
              // Nothing of an earlier run exists in a fresh in-memory DynamoDB: start the state
              // over.
              ? LocalState.fresh(options.stateFile(Files.createTempDirectory("kaiten-local")))
              : LocalState.load(options.stateFile(options.workDir()));
      firstStart(resources.secretValue(BOOTSTRAP_SECRET));
      functions.parallelStream().forEach(LocalFunction::start);
      noteEndpoints(resources.secretValue(BOOTSTRAP_SECRET));
      triggers.forEach(SqsTrigger::start);
      streamTriggers.forEach(StreamTrigger::start);
      schedules.forEach(schedule -> schedule.start(clock));
    } catch (RuntimeException | IOException e) {
      // Leave nothing running behind a failed start.
      stopTriggers();
      if (door != null) {
        door.close();
      }
      functions.parallelStream().forEach(LocalFunction::close);
      secretsManager.close();
      aws.close();
      throw e;
    }
  }

  /** Starts everything; the returned handle stops it again. */
  public static KaitenLocal start(Options options) throws IOException {
    return new KaitenLocal(options);
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(Options.USAGE);
      return;
    }
    long started = System.nanoTime();
    KaitenLocal local;
    try {
      local = start(options);
    } catch (RuntimeException | IOException e) {
      System.err.println("kaiten-local could not start: " + e.getMessage());
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        System.err.println("  caused by: " + cause);
      }
      System.exit(1); // the embedded services' threads would otherwise keep the JVM alive
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  local.close();
                  stopped.countDown();
                },
                "kaiten-local-stop"));
    System.out.println(local.banner(Duration.ofNanos(System.nanoTime() - started)));
    stopped.await();
  }

  /** Where the template routes the vendor console, when it does. */
  private boolean consoleRouted() {
    return frontDoor.functionFor("GET", CONSOLE_PATH).isPresent();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + frontDoor.port();
  }

  public JsonNode state() {
    return state.root();
  }

  private String banner(Duration startup) {
    StringBuilder out = new StringBuilder();
    out.append("\nKaiten is running at ")
        .append(baseUrl())
        .append("   (started in ")
        .append(startup.toMillis())
        .append(" ms)\n");
    out.append("Admin token:    ").append(state.root().path("admin_token").asText()).append('\n');
    if (consoleRouted()) {
      out.append("Console:        ")
          .append(baseUrl())
          .append(CONSOLE_PATH)
          .append("   (sign in with the admin token)\n");
    }
    if (state.root().has("demo")) {
      out.append("Instance token: ")
          .append(state.root().path("demo").path("instance_token").asText())
          .append("   (instance acme-prod)\n");
    }
    out.append("Ids and tokens: ").append(state.file()).append('\n');
    out.append("Function logs:  ").append(options.workDir().resolve("logs")).append('\n');
    out.append("Local AWS:      DynamoDB ")
        .append(aws.dynamoEndpoint())
        .append("  SQS ")
        .append(aws.sqsEndpoint())
        .append("  (region ")
        .append(LocalAws.REGION)
        .append(", any credentials)\n");
    out.append("Try: curl -H \"Authorization: Bearer $TOKEN\" ")
        .append(baseUrl())
        .append("/api/instances/acme-prod/entitlements\n");
    if (!schedules.isEmpty()) {
      out.append("Schedules:      fire one now with curl -X POST ")
          .append(baseUrl())
          .append(FrontDoor.SCHEDULES)
          .append("/")
          .append(schedules.get(0).key())
          .append('\n');
    }
    out.append("Ctrl-C stops everything.\n");
    return out.toString();
  }

  private void firstStart(String bootstrapSecret) {
    ApiClient api = new ApiClient(baseUrl());
    ObjectNode root = state.root();
    if (!root.has("admin_token")) {
      JsonNode tenant = api.post(BOOTSTRAP_PATH, bootstrapSecret, "{\"name\":\"Local tenant\"}");
      root.put("tenant_id", tenant.path("id").asText());
      root.put("admin_token", tenant.path("admin_token").path("token").asText());
      state.save();
    }
    if (options.demo() && !root.has("demo")) {
      root.set("demo", Demo.seed(api, root.path("admin_token").asText()));
      state.save();
    }
    if (options.catalog().isPresent()) {
      Path file = options.catalog().get();
      try {
        int applied =
            CatalogApply.apply(api, root.path("admin_token").asText(), CatalogFiles.read(file));
        System.out.println("Catalog " + file + " applied: " + applied + " change(s)");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the catalog " + file, e);
      }
    }
  }

  /**
   * Function processes of an earlier kaiten-local on the same folder that was killed outright
   * (SIGKILL leaves no time to stop them): a Runtime Interface Client whose API is gone waits
   * forever.
   */
  private static void stopOrphansOfAnEarlierRun(Path workDir) {
    String functionsDir = workDir.resolve("functions").toString() + "/";
    ProcessHandle.allProcesses()
        .filter(p -> !p.parent().map(KaitenLocal::isKaitenLocal).orElse(false))
        .filter(
            p ->
                p.info().arguments().map(List::of).orElse(List.of()).stream()
                    .anyMatch(argument -> argument.contains(functionsDir)))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Orphans are re-parented to init or a subreaper; a live parent that is kaiten-local still owns
   * its children.
   */
  private static boolean isKaitenLocal(ProcessHandle process) {
    return process
        .info()
        .commandLine()
        .map(
            command ->
                command.contains("kaiten-local") || command.contains(KaitenLocal.class.getName()))
        .orElse(false);
  }

  /**
   * This run's local AWS endpoints, for scripts that look at the queues and tables directly, and
   * its bootstrap secret (made up per run), for scripts that create more tenants.
   */
  private void noteEndpoints(String bootstrapSecret) {
    state.root().put("bootstrap_secret", bootstrapSecret);
    ObjectNode endpoints = state.root().putObject("aws_endpoints");
    endpoints.put("dynamodb", aws.dynamoEndpoint().toString());
    endpoints.put("sqs", aws.sqsEndpoint().toString());
    endpoints.put("region", LocalAws.REGION);
    state.save();
  }

  private LocalFunction function(
      CloudFormationTemplate template,
      ProvisionedResources resources,
      Path root,
      String logicalId,
      Map<String, Object> resource,
      LocalFunction.Scaling scaling)
      throws IOException {
    Map<String, Object> globals = template.globals("Function");
    @SuppressWarnings("unchecked")
    Map<String, Object> properties =
        (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    String codeUri = resources.resolve(property(properties, globals, "CodeUri", null));
    Path zip = root.resolve(codeUri);
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException(
          zip + " is missing: build first with `mvn -q install -DskipTests`");
    }
    Map<String, String> environment = new HashMap<>(resources.localEnvironmentOf(logicalId));
    environment.put("AWS_REGION", LocalAws.REGION);
    environment.put("AWS_DEFAULT_REGION", LocalAws.REGION);
    environment.put("AWS_ACCESS_KEY_ID", aws.credentials().accessKeyId());
    environment.put("AWS_SECRET_ACCESS_KEY", aws.credentials().secretAccessKey());
    environment.put("KAITEN_AWS_DYNAMODB_ENDPOINT", aws.dynamoEndpoint().toString());
    environment.put("KAITEN_AWS_SQS_ENDPOINT", aws.sqsEndpoint().toString());
    // The secrets functions make at run time (tenants' Stripe keys) live in a local Secrets
    // Manager.
    environment.put("KAITEN_AWS_SECRETSMANAGER_ENDPOINT", secretsManager.endpoint().toString());
    options
        .stripeApiBase()
        .filter(unused -> environment.containsKey("KAITEN_STRIPE_API_BASE"))
        .ifPresent(base -> environment.put("KAITEN_STRIPE_API_BASE", base));
    return new LocalFunction(
        logicalId,
        resources.resolve(property(properties, globals, "Handler", "bootstrap")),
        zip,
        options.workDir(),
        environment,
        Duration.ofSeconds(
            Long.parseLong(resources.resolve(property(properties, globals, "Timeout", 3)))),
        Integer.parseInt(resources.resolve(property(properties, globals, "MemorySize", 128))),
        runtimeClasspath(),
        scaling,
        options.jit());
  }

  private static Object property(
      Map<String, Object> own, Map<String, Object> globals, String name, Object fallback) {
    Object value = own.containsKey(name) ? own.get(name) : globals.get(name);
    if (value == null && fallback == null) {
      throw new IllegalStateException("the template gives no " + name);
    }
    return value == null ? fallback : value;
  }

  private void stopTriggers() {
    triggers.forEach(SqsTrigger::stopPolling); // all at once, then each waited for
    streamTriggers.forEach(StreamTrigger::stopPolling);
    triggers.forEach(SqsTrigger::close);
    streamTriggers.forEach(StreamTrigger::close);
    schedules.forEach(ScheduleTrigger::close);
    clock.shutdownNow();
  }

  /** A function's {@code Events}, by name. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> events(Map<String, Object> resource) {
    Map<String, Object> properties =
        (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    return (Map<String, Object>) properties.getOrDefault("Events", Map.of());
  }

  private static List<HttpRoute> httpRoutes(Map<String, Object> events, LocalFunction function) {
    return TemplateEvents.enabled(events, "HttpApi").values().stream()
        .map(
            route ->
                new HttpRoute(
                    String.valueOf(route.getOrDefault("Method", "ANY")).toUpperCase(),
                    String.valueOf(route.getOrDefault("Path", "/{proxy+}")),
                    function))
        .toList();
  }

  /** The Lambda Runtime Interface Client jars, copied beside kaiten-local.jar at build time. */
  private static Path runtimeClasspath() {
    Path dir = jarDir().resolve("lambda-runtime");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          dir + " is missing: build kaiten-local with `mvn -q install -DskipTests`");
    }
    return dir;
  }

  private static void pointSqliteAtItsNativeLibrary() {
    if (System.getProperty("sqlite4java.library.path") == null) {
      System.setProperty("sqlite4java.library.path", jarDir().resolve("native-libs").toString());
    }
  }

  private static Path jarDir() {
    try {
      Path location =
          Path.of(KaitenLocal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.getParent(); // the jar, or target/classes: either way its folder is target/
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stopTriggers();
    frontDoor.close();
    functions.forEach(LocalFunction::signalStop);
    functions.forEach(LocalFunction::close);
    secretsManager.close();
    aws.close();
  }
}
