package sh.kaiten.benchmarks.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code --seconds 15 --threads 1,8,32 --concurrency 2 --jit tiered} by default.
 *
 * @param measured how long each scenario is measured, split into {@code iterations} equal parts
 * @param concurrency kaiten-local's {@code --concurrency}
 * @param environmentConcurrency kaiten-local's {@code --environment-concurrency}
 * @param jit kaiten-local's {@code --jit}: tiered by default, since this measures a warm stack's
 *     requests, where C2's code is what a long-running function JVM ends up with (C1 only is
 *     kaiten-local's default, for its quicker cold start)
 * @param inProcess whether to measure usage-throughput's in-process use cases first, in the same
 *     run
 */
record Options(
    Duration warmUp,
    Duration measured,
    int iterations,
    List<Integer> threads,
    int concurrency,
    int environmentConcurrency,
    String jit,
    List<String> scenarios,
    boolean inProcess) {

  static final String USAGE =
      """
      usage: java -jar http-throughput.jar [--seconds 15] [--warmup 5] [--iterations 3] [--threads 1,8,32]
                                           [--concurrency 2] [--environment-concurrency 1] [--jit tiered|c1] [--scenarios evaluate,report,batch,leased] [--no-in-process]
                                           [--quick]
      leased (not run unless named): SDK clients deciding a HARD limit from leases (KaitenClient.use), one
      client a thread on one instance's counter, beside the same threads reporting each decision to the server""";

  static Options parse(String... args) {
    Duration warmUp = Duration.ofSeconds(5);
    Duration measured = Duration.ofSeconds(15);
    int iterations = 3;
    List<Integer> threads = List.of(1, 8, 32);
    int concurrency = 2;
    int environmentConcurrency = 1;
    String jit = "tiered";
    List<String> scenarios = List.of("evaluate", "report", "batch");
    boolean inProcess = true;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--quick" -> {
          warmUp = Duration.ofSeconds(1);
          measured = Duration.ofSeconds(3);
          continue;
        }
        case "--no-in-process" -> {
          inProcess = false;
          continue;
        }
        case "--seconds" -> measured = Duration.ofSeconds(Long.parseLong(required(args[i], value)));
        case "--warmup" -> warmUp = Duration.ofSeconds(Long.parseLong(required(args[i], value)));
        case "--iterations" -> iterations = Integer.parseInt(required(args[i], value));
        case "--threads" ->
            threads =
                Arrays.stream(required(args[i], value).split(",")).map(Integer::valueOf).toList();
        case "--concurrency" -> concurrency = Integer.parseInt(required(args[i], value));
        case "--environment-concurrency" ->
            environmentConcurrency = Integer.parseInt(required(args[i], value));
        case "--jit" -> jit = required(args[i], value);
        case "--scenarios" -> scenarios = List.of(required(args[i], value).split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
      i++;
    }
    if (iterations < 1
        || concurrency < 1
        || environmentConcurrency < 1
        || threads.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException(
          "iterations, concurrencies and threads must be at least 1\n" + USAGE);
    }
    if (!List.of("tiered", "c1").contains(jit)) {
      throw new IllegalArgumentException("--jit takes tiered or c1, not " + jit + "\n" + USAGE);
    }
    if (!List.of("evaluate", "report", "batch", "leased").containsAll(scenarios)) {
      throw new IllegalArgumentException(
          "scenarios are evaluate, report, batch and leased\n" + USAGE);
    }
    return new Options(
        warmUp,
        measured,
        iterations,
        threads,
        concurrency,
        environmentConcurrency,
        jit,
        scenarios,
        inProcess);
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return value;
  }

  Duration iteration() {
    return measured.dividedBy(iterations);
  }
}
