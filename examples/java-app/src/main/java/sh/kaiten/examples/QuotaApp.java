package sh.kaiten.examples;

import java.nio.file.Path;
import java.time.Duration;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.KaitenListener;
import sh.kaiten.sdk.RejectedReport;

/**
 * A vendor's service in miniature, against kaiten-local {@code --demo}:
 *
 * <pre>
 * KAITEN_URL=http://localhost:8080 KAITEN_TOKEN=ksh_... KAITEN_INSTANCE=acme-prod \
 *   java -jar examples/java-app/target/kaiten-example.jar 1000
 * </pre>
 *
 * It serves the given number of "requests": each uses one of the api-calls quota, decided in
 * process from a lease of it (HARD), and reported when allowed. Then it prints where the quota
 * stands, delivers what it queued, and stops.
 */
public final class QuotaApp {
  private QuotaApp() {}

  public static void main(String[] args) {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    KaitenClient kaiten =
        KaitenClient.builder()
            .baseUrl(env("KAITEN_URL", "http://localhost:8080"))
            .token(env("KAITEN_TOKEN", null))
            .instance(env("KAITEN_INSTANCE", "acme-prod"))
            .snapshotFile(
                Path.of(System.getProperty("java.io.tmpdir"), "kaiten-example", "snapshot.json"))
            .spoolDirectory(
                Path.of(System.getProperty("java.io.tmpdir"), "kaiten-example", "spool"))
            .listener(
                new KaitenListener() {
                  @Override
                  public void reportRejected(RejectedReport report) {
                    System.out.println("Kaiten refused a report: " + report);
                  }
                })
            .build();
    try (kaiten) {
      System.out.println(
          "sso: "
              + (kaiten.isEnabled("sso") ? "on" : "off")
              + ", theme: "
              + kaiten.config("theme"));
      int served = 0;
      int refused = 0;
      long started = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        if (kaiten
            .use("api-calls", 1)
            .allowed()) { // checked and reported in one step, from a lease
          served++;
        } else {
          refused++;
        }
      }
      long nanos = System.nanoTime() - started;
      Check now = kaiten.check("api-calls", 0);
      System.out.printf(
          "served %d, refused %d in %.1f ms; api-calls: %.0f of %.0f used (%s)%n",
          served, refused, nanos / 1e6, now.currentUsage(), now.limit(), now.reason());
      boolean delivered = kaiten.flush(Duration.ofSeconds(30));
      System.out.println(
          delivered
              ? "every report delivered"
              : kaiten.queued() + " reports still queued (spooled)");
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      if (fallback == null) {
        throw new IllegalArgumentException(
            name + " is required (kaiten-local prints the instance token at start)");
      }
      return fallback;
    }
    return value;
  }
}
