package sh.kaiten.benchmarks.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import sh.kaiten.benchmarks.usage.LoadRun;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.LeaseStatistics;

/**
 * Decisions on one HARD counter by SDK clients that lease it: one {@link KaitenClient} a thread,
 * all of one instance, each thread calling {@code use(slug, 1)} in a closed loop ({@link LoadRun},
 * as the HTTP clients are driven). The clients have the SDK's defaults (leases of 60 s, at most 10
 * % of what remains each, settled every second). The limit is far above what a run uses, so every
 * use must be allowed: a refusal is counted as an error.
 */
final class LeasedDecisions {

  /**
   * @param run the measured uses and their latencies
   * @param allowed every use allowed, the warm-up's included: what the counter must hold from this
   *     run
   * @param leases the clients' lease statistics summed, read once every client was closed (so
   *     settled and released), the warm-up included
   */
  record Outcome(LoadRun.Outcome run, long allowed, Totals leases) {}

  /** {@link LeaseStatistics} summed over clients. */
  record Totals(
      long decidedLocally,
      long decidedAfterRequest,
      long refused,
      long grants,
      long settlements,
      long releases) {

    Totals plus(LeaseStatistics statistics) {
      return new Totals(
          decidedLocally + statistics.decidedLocally(),
          decidedAfterRequest + statistics.decidedAfterRequest(),
          refused + statistics.refused(),
          grants + statistics.grants(),
          settlements + statistics.settlements(),
          releases + statistics.releases());
    }

    /** Requests that write to the counter: each is one DynamoDB transaction. */
    long writes() {
      return grants + settlements + releases;
    }
  }

  private LeasedDecisions() {}

  static Outcome run(
      String base, String token, String instance, String slug, int threads, Options options)
      throws InterruptedException {
    List<KaitenClient> clients = new ArrayList<>();
    LongAdder allowed = new LongAdder();
    LoadRun.Outcome run;
    try {
      for (int t = 0; t < threads; t++) {
        clients.add(KaitenClient.builder().baseUrl(base).token(token).instance(instance).build());
      }
      run =
          LoadRun.run(
              threads,
              options.warmUp(),
              options.iteration(),
              options.iterations(),
              (thread, sequence) -> {
                Check check = clients.get(thread).use(slug, 1);
                if (!check.allowed()) {
                  throw new IllegalStateException("use refused: " + check);
                }
                allowed.increment();
              });
    } finally {
      clients.forEach(KaitenClient::close);
    }
    Totals totals = new Totals(0, 0, 0, 0, 0, 0);
    for (KaitenClient client : clients) {
      LeaseStatistics statistics =
          client
              .leaseStatistics(slug)
              .orElseThrow(() -> new IllegalStateException("a client held no lease of " + slug));
      System.err.println("  " + statistics);
      totals = totals.plus(statistics);
    }
    return new Outcome(run, allowed.sum(), totals);
  }
}
