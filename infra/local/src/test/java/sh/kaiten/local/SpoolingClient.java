package sh.kaiten.local;

import java.nio.file.Path;
import java.time.Duration;
import sh.kaiten.sdk.KaitenClient;

/**
 * A vendor's process that reports and is then killed: it queues {@code count} reports into a spool,
 * says so on standard output, and waits to be killed. Batches of 100 leave as they fill, so the
 * kill finds some reports delivered and some still only in the spool.
 */
public final class SpoolingClient {
  private SpoolingClient() {}

  /**
   * Arguments: base URL, instance token, instance id, spool directory, how many reports of
   * api-calls.
   */
  public static void main(String[] args) throws InterruptedException {
    KaitenClient client =
        KaitenClient.builder()
            .baseUrl(args[0])
            .token(args[1])
            .instance(args[2])
            .spoolDirectory(Path.of(args[3]))
            .batchSize(100)
            .flushInterval(Duration.ofHours(1))
            .build();
    int count = Integer.parseInt(args[4]);
    for (int i = 0; i < count; i++) {
      client.report("api-calls", 1);
    }
    System.out.println("queued " + count);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // until killed: the client is never closed
  }
}
