package sh.kaiten.benchmarks.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: N threads each send a report, wait for its answer, and send the next. A warm-up
 * (JIT, caches, connections) is sent and not measured; then {@code iterations} equal windows are
 * measured. A report belongs to the window it started in; its latency is the time to its answer.
 * benchmarks/http-throughput drives its HTTP clients and its SDK clients with it too, so all count
 * alike.
 *
 * <p>Percentiles are nearest-rank over the latencies kept: every call's, up to {@link #MAX_SAMPLES}
 * a thread; past that one call in 2, then in 4, ..., evenly over the whole run (an SDK client makes
 * millions of calls a second, and a sample of each thread's first seconds would say nothing of the
 * rest).
 */
public final class LoadRun {

  /** What one thread does once; throws when the report failed. */
  public interface Sender {
    void send(int thread, long sequence);
  }

  /**
   * @param reports reports measured (the warm-up's are not)
   * @param perSecond reports per second of each measured window
   * @param errors failed reports, warm-up included
   */
  public record Outcome(
      long reports,
      double[] perSecond,
      long p50Nanos,
      long p99Nanos,
      long errors,
      String firstError) {

    public double meanPerSecond() {
      return Arrays.stream(perSecond).average().orElse(0);
    }
  }

  private static final int WARM_UP = -1;

  /** The most latencies one thread keeps: 8 MiB. */
  private static final int MAX_SAMPLES = 1 << 20;

  private final int iterations;
  private volatile int window = WARM_UP;
  private final AtomicReference<String> firstError = new AtomicReference<>();

  private LoadRun(int iterations) {
    this.iterations = iterations;
  }

  public static Outcome run(
      int threads, Duration warmUp, Duration iteration, int iterations, Sender sender)
      throws InterruptedException {
    return run(threads, warmUp, iteration, iterations, sender, () -> {});
  }

  /**
   * @param measuring called once the warm-up is over, as the first measured window starts (to mark
   *     where a server's own figures of the measured windows begin)
   */
  public static Outcome run(
      int threads,
      Duration warmUp,
      Duration iteration,
      int iterations,
      Sender sender,
      Runnable measuring)
      throws InterruptedException {
    return new LoadRun(iterations).drive(threads, warmUp, iteration, sender, measuring);
  }

  private Outcome drive(
      int threadCount, Duration warmUp, Duration iteration, Sender sender, Runnable measuring)
      throws InterruptedException {
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      Worker worker = new Worker(t, sender);
      workers.add(worker);
      Thread thread = new Thread(worker, "reporter-" + t);
      thread.start();
      threads.add(thread);
    }
    Thread.sleep(warmUp.toMillis());
    measuring.run();
    long[] windowNanos = new long[iterations];
    for (int w = 0; w < iterations; w++) {
      long start = System.nanoTime();
      window = w;
      Thread.sleep(iteration.toMillis());
      windowNanos[w] = System.nanoTime() - start;
    }
    window = iterations; // stop
    for (Thread thread : threads) {
      thread.join();
    }
    return outcome(workers, windowNanos);
  }

  private Outcome outcome(List<Worker> workers, long[] windowNanos) {
    double[] perSecond = new double[iterations];
    long errors = 0;
    long measured = 0;
    int samples = 0;
    for (Worker worker : workers) {
      errors += worker.errors;
      measured += worker.measured;
      samples += worker.samples;
    }
    long[] latencies = new long[samples];
    int at = 0;
    for (Worker worker : workers) {
      System.arraycopy(worker.latencies, 0, latencies, at, worker.samples);
      at += worker.samples;
      for (int w = 0; w < iterations; w++) {
        perSecond[w] += worker.sent[w] * 1e9 / windowNanos[w];
      }
    }
    Arrays.sort(latencies);
    return new Outcome(
        measured,
        perSecond,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        errors,
        firstError.get());
  }

  /** The nearest-rank percentile. */
  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** One client thread; its figures are read only after it has been joined. */
  private final class Worker implements Runnable {
    private final int thread;
    private final Sender sender;
    private final long[] sent = new long[iterations];
    private long[] latencies = new long[1 << 14];
    private int samples;

    /** Keeps the latency of one measured call in {@code stride}: a power of 2. */
    private long stride = 1;

    private long measured;
    private long errors;

    Worker(int thread, Sender sender) {
      this.thread = thread;
      this.sender = sender;
    }

    @Override
    public void run() {
      long sequence = 0;
      for (int current = window; current < iterations; current = window) {
        long start = System.nanoTime();
        try {
          sender.send(thread, sequence++);
        } catch (RuntimeException e) {
          errors++;
          firstError.compareAndSet(null, e.toString());
          continue; // a failed report's time is not a report's latency
        }
        if (current != WARM_UP) {
          record(System.nanoTime() - start);
          sent[current]++;
        }
      }
    }

    private void record(long nanos) {
      if ((++measured & (stride - 1)) != 0) {
        return;
      }
      if (samples == MAX_SAMPLES) {
        // Keep the calls numbered 2 × stride, 4 × stride, ...: from now on, one in 2 × stride.
        for (int i = 0; i < samples / 2; i++) {
          latencies[i] = latencies[2 * i + 1];
        }
        samples /= 2;
        stride *= 2;
        if ((measured & (stride - 1)) != 0) {
          return;
        }
      } else if (samples == latencies.length) {
        latencies = Arrays.copyOf(latencies, samples * 2);
      }
      latencies[samples++] = nanos;
    }
  }
}
