package sh.kaiten.benchmarks.sdk;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.KaitenClient;

/**
 * Decisions in process: a quota check and an enabled-test against a loaded snapshot, with nothing
 * reported in between (the steady state of a request path that checks more often than it reports),
 * and a use decided from a lease. A check right after a report of its own is in {@link
 * ReportBenchmark}, whose queue is drained between iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CheckBenchmark {
  private StandInKaiten kaiten;
  private KaitenClient client;

  @Setup(Level.Trial)
  public void start() throws Exception {
    kaiten = new StandInKaiten();
    client =
        KaitenClient.builder()
            .baseUrl(kaiten.url())
            .token("ksh_benchmark")
            .instance(StandInKaiten.INSTANCE)
            .pollInterval(Duration.ofSeconds(5))
            .build();
  }

  @TearDown(Level.Trial)
  public void stop() {
    client.close();
    kaiten.close();
  }

  @Benchmark
  public Check check() {
    return client.check("api-calls", 1);
  }

  @Benchmark
  public boolean isEnabled() {
    return client.isEnabled("sso");
  }

  /**
   * A HARD limit decided from a lease: spends one unit of the grant held (a compare-and-set) while
   * the client renews and settles in the background against the stand-in, which grants whatever is
   * asked. Its own fork, so the checks above are measured with no lease ever made.
   */
  @Benchmark
  public Check use() {
    return client.use("api-calls", 1);
  }
}
