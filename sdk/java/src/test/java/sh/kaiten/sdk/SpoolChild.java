package sh.kaiten.sdk;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A process that reports usage into a spool and then waits to be killed: {@code SpoolChild <base
 * url> <spool directory> <count>} reports 1..count (at 2026-12-04T01:02:03.456Z), prints {@code
 * QUEUED}, and never delivers (no flush interval or batch trigger comes due).
 */
public final class SpoolChild {
  static final Instant MADE_AT = Instant.parse("2026-12-04T01:02:03.456Z");

  public static void main(String[] args) throws InterruptedException {
    KaitenClient client =
        KaitenClient.builder()
            .baseUrl(args[0])
            .token("ksh_test")
            .instance("acme-prod")
            .spoolDirectory(Path.of(args[1]))
            .flushInterval(Duration.ofHours(1))
            .batchSize(1000)
            .clock(Clock.fixed(MADE_AT, ZoneOffset.UTC))
            .build();
    int count = Integer.parseInt(args[2]);
    for (int i = 1; i <= count; i++) {
      client.report("api-calls", i);
    }
    System.out.println("QUEUED " + client.queued());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
