package sh.kaiten.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Command-line options of kaiten-local.
 *
 * @param workDir where DynamoDB data, logs, unpacked functions and the state file live
 * @param dirGiven whether {@code --dir} was given: then kaiten-local.json is written there even
 *     {@code --in-memory}
 * @param concurrency {@code --concurrency}: execution environments per HTTP function
 * @param environmentConcurrency {@code --environment-concurrency}: events one environment of an
 *     HTTP function works on at once
 * @param jit {@code --jit}: the compilers of JVM functions
 * @param catalog {@code --catalog}: a catalog file or folder applied at each start
 * @param stripeApiBase {@code --stripe-api-base}: where billing-sync calls Stripe instead
 * @param help {@code --help}: print the usage and start nothing
 */
record Options(
    int port,
    boolean inMemory,
    boolean demo,
    Path workDir,
    boolean dirGiven,
    Path template,
    Optional<Duration> sqsRetryDelay,
    int concurrency,
    int environmentConcurrency,
    LocalFunction.Jit jit,
    Optional<Path> catalog,
    Optional<String> stripeApiBase,
    boolean help) {
  /**
   * Execution environments per HTTP function by default: two lets one request's wait on DynamoDB
   * Local overlap another's work; each more costs a JVM of about 100 MiB and helps only with cores
   * to spare.
   */
  static final int DEFAULT_CONCURRENCY = 2;

  static final String USAGE =
      """
      usage: java -jar infra/local/target/kaiten-local.jar [--port N] [--concurrency N] [--environment-concurrency N] [--jit c1|tiered] [--in-memory] [--demo] [--catalog FILE] [--dir PATH] [--template PATH] [--stripe-api-base URL]
        --port N         the front door's port (default 8080; 0 picks a free one)
        --concurrency N  how many processes (execution environments) each HTTP function may run at once,
                         started as requests queue up (default 2); queue and schedule functions run one
        --environment-concurrency N
                         how many requests one environment of an HTTP function works on at once
                         (default 1, as on Lambda; more as Lambda Managed Instances run Java functions:
                         one warm JVM serves them all, which suits a machine with few cores)
        --jit c1|tiered  the compilers of JVM functions: c1 (default) is C1 only, as the template's
                         JAVA_TOOL_OPTIONS ask on Lambda: a quicker cold start; tiered is C1 then C2, the
                         JVM's own default: a slower start, the fastest requests once warm
        --in-memory      keep nothing: DynamoDB in memory, a fresh tenant every start (kaiten-local.json
                         is still written to --dir when one is given, for scripts)
        --demo           also seed a small catalog and the instance acme-prod, and print its token
        --catalog FILE   apply this catalog file (YAML or JSON) or folder at each start, as `kaiten apply`
                         does (after the demo's, with --demo); a refused plan stops the start
        --dir PATH       where data, logs and kaiten-local.json live (default ./.kaiten-local)
        --template PATH  the SAM template (default: template.yaml here or in a folder above)
        --sqs-retry-delay SECONDS
                         a queue message whose handler failed is retried after this long, not after
                         the queue's visibility timeout as on AWS (for tests)
        --stripe-api-base URL
                         where billing-sync sends meter events instead of https://api.stripe.com
                         (a Stripe stand-in, for tests)
        --help           print this and exit
      """;

  /**
   * Where kaiten-local.json lives: in --dir, or with nothing kept, nowhere a later start would read
   * it.
   */
  Path stateFile(Path scratch) {
    return inMemory && !dirGiven
        ? scratch.resolve("kaiten-local.json")
        : workDir.resolve("kaiten-local.json");
  }

  static Options parse(String[] args) {
    int port = 8080;
    boolean inMemory = false;
    boolean demo = false;
    Path workDir = Path.of(".kaiten-local");
    Path template = null;
    Optional<Duration> sqsRetryDelay = Optional.empty();
    boolean dirGiven = false;
    boolean help = false;
    int concurrency = DEFAULT_CONCURRENCY;
    int environmentConcurrency = 1;
    LocalFunction.Jit jit = LocalFunction.Jit.C1;
    Optional<Path> catalog = Optional.empty();
    Optional<String> stripeApiBase = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i));
        case "--concurrency" -> concurrency = oneTo64(args, ++i);
        case "--environment-concurrency" -> environmentConcurrency = oneTo64(args, ++i);
        case "--jit" -> {
          String name = value(args, ++i);
          jit =
              LocalFunction.Jit.named(name)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "--jit takes tiered or c1, not " + name + "\n" + USAGE));
        }
        case "--in-memory" -> inMemory = true;
        case "--demo" -> demo = true;
        case "--catalog" -> catalog = Optional.of(Path.of(value(args, ++i)).toAbsolutePath());
        case "--dir" -> {
          workDir = Path.of(value(args, ++i));
          dirGiven = true;
        }
        case "--help", "-h" -> help = true;
        case "--template" -> template = Path.of(value(args, ++i));
        case "--stripe-api-base" -> stripeApiBase = Optional.of(value(args, ++i));
        case "--sqs-retry-delay" ->
            sqsRetryDelay = Optional.of(Duration.ofSeconds(Long.parseLong(value(args, ++i))));
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    return new Options(
        port,
        inMemory,
        demo,
        workDir.toAbsolutePath(),
        dirGiven,
        template,
        sqsRetryDelay,
        concurrency,
        environmentConcurrency,
        jit,
        catalog,
        stripeApiBase,
        help);
  }

  private static int oneTo64(String[] args, int i) {
    int value = Integer.parseInt(value(args, i));
    if (value < 1 || value > 64) {
      throw new IllegalArgumentException(
          args[i - 1] + " takes 1 to 64, not " + value + "\n" + USAGE);
    }
    return value;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
