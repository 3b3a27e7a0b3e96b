package sh.kaiten.local;

import java.time.Duration;
import sh.kaiten.sdk.KaitenClient;

/**
 * A vendor's process that takes a lease and is then killed: it uses one unit of an entitlement
 * (which leases a slice of it), settles that use, says so on standard output, and waits to be
 * killed holding the rest of its lease.
 */
public final class LeasingClient {
  private LeasingClient() {}

  /** Arguments: base URL, instance token, instance id, entitlement, lease TTL in seconds. */
  public static void main(String[] args) throws InterruptedException {
    KaitenClient client =
        KaitenClient.builder()
            .baseUrl(args[0])
            .token(args[1])
            .instance(args[2])
            .leaseShare(1)
            .leaseTtl(Duration.ofSeconds(Long.parseLong(args[4])))
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    if (!client.use(args[3], 1).allowed() || !client.flush(Duration.ofSeconds(60))) {
      System.out.println("failed");
      System.exit(1);
    }
    System.out.println(
        "holding " + client.leaseStatistics(args[3]).orElseThrow().holding().toPlainString());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // until killed: the lease is never settled further nor released
  }
}
