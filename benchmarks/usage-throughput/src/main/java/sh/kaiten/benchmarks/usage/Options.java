package sh.kaiten.benchmarks.usage;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code --seconds 15 --threads 8,32} by default; {@code --quick} is a smoke run
 * of about two seconds a scenario.
 *
 * @param measured how long each scenario is measured, split into {@code iterations} equal parts
 * @param scenarios the names to run, or empty for all
 */
record Options(
    Duration warmUp,
    Duration measured,
    int iterations,
    List<Integer> threads,
    int instances,
    int shards,
    List<String> scenarios) {

  static final String USAGE =
      """
      usage: java -jar usage-throughput.jar [--seconds 15] [--warmup 5] [--iterations 3] [--threads 8,32]
                                            [--instances 1000] [--shards 8] [--scenarios hot,spread,...] [--quick]""";

  static Options parse(String... args) {
    Duration warmUp = Duration.ofSeconds(5);
    Duration measured = Duration.ofSeconds(15);
    int iterations = 3;
    List<Integer> threads = List.of(8, 32);
    int instances = 1000;
    int shards = 8;
    List<String> scenarios = List.of();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--quick" -> {
          warmUp = Duration.ofMillis(500);
          measured = Duration.ofMillis(1500);
          continue;
        }
        case "--seconds" -> measured = Duration.ofSeconds(Long.parseLong(required(args[i], value)));
        case "--warmup" -> warmUp = Duration.ofSeconds(Long.parseLong(required(args[i], value)));
        case "--iterations" -> iterations = Integer.parseInt(required(args[i], value));
        case "--threads" ->
            threads =
                Arrays.stream(required(args[i], value).split(",")).map(Integer::valueOf).toList();
        case "--instances" -> instances = Integer.parseInt(required(args[i], value));
        case "--shards" -> shards = Integer.parseInt(required(args[i], value));
        case "--scenarios" -> scenarios = List.of(required(args[i], value).split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
      i++;
    }
    if (iterations < 1 || instances < 1 || shards < 1 || threads.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException(
          "iterations, instances, shards and threads must be at least 1\n" + USAGE);
    }
    return new Options(warmUp, measured, iterations, threads, instances, shards, scenarios);
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
