package sh.kaiten.benchmarks.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.KaitenClient;

/**
 * A report's enqueue on the caller's thread, in memory and with a spool, while the client's sender
 * delivers in the background to a stand-in server; and a report followed by a check, which must
 * then count one more report of its own. One thread reports far faster than any server takes
 * reports, so the queue grows during an iteration (a few million reports a second); each iteration
 * ends with a flush, so it does not grow from one iteration to the next, and iterations are short
 * so that what waits fits the heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms4g", "-Xmx4g"})
public class ReportBenchmark {
  @Param({"memory", "spool"})
  public String queue;

  private StandInKaiten kaiten;
  private KaitenClient client;
  private Path spool;

  @Setup(Level.Trial)
  public void start() throws Exception {
    kaiten = new StandInKaiten();
    KaitenClient.Builder builder =
        KaitenClient.builder()
            .baseUrl(kaiten.url())
            .token("ksh_benchmark")
            .instance(StandInKaiten.INSTANCE);
    if (queue.equals("spool")) {
      spool = Files.createTempDirectory("kaiten-spool-bench");
      builder.spoolDirectory(spool);
    }
    client = builder.build();
  }

  @TearDown(Level.Iteration)
  public void drain() {
    client.flush(Duration.ofMinutes(2));
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    kaiten.close();
    if (spool != null) {
      try (Stream<Path> files = Files.walk(spool)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Benchmark
  public void report() {
    client.report("api-calls", 1);
  }

  /** A report (enqueue) and then a check, which now sees one more pending report. */
  @Benchmark
  public Check reportThenCheck() {
    client.report("api-calls", 1);
    return client.check("api-calls", 1);
  }
}
