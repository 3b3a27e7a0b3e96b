package sh.kaiten.benchmarks.sdk;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import sh.kaiten.sdk.KaitenClient;

/**
 * What a queued report holds on the heap while the server does not take it: a client whose batches
 * all answer 503 queues {@code N} reports (default 1,000,000), and the heap in use after a full
 * collection is compared with what it was before them. Without a spool this is what an outage costs
 * a process per report it makes; with one, the same reports also wait on disk.
 *
 * <pre>
 * java -cp benchmarks/sdk/target/sdk-benchmarks.jar sh.kaiten.benchmarks.sdk.QueueFootprint [N]
 * </pre>
 */
public final class QueueFootprint {
  private QueueFootprint() {}

  public static void main(String[] args) throws Exception {
    int reports = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (StandInKaiten down = new StandInKaiten(false);
        KaitenClient client =
            KaitenClient.builder()
                .baseUrl(down.url())
                .token("ksh_benchmark")
                .instance(StandInKaiten.INSTANCE)
                .closeTimeout(Duration.ofMillis(1))
                .build()) {
      client.report("api-calls", 1); // the first report's classes and the sender's first attempt
      long before = heapAfterCollection(memory);
      for (int i = 1; i < reports; i++) {
        client.report("api-calls", i % 1000);
      }
      long after = heapAfterCollection(memory);
      System.out.printf(
          "%d reports queued, %d still queued: %.1f MiB more heap, %d bytes a report%n",
          reports, client.queued(), (after - before) / 1048576.0, (after - before) / (reports - 1));
    }
  }

  private static long heapAfterCollection(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
