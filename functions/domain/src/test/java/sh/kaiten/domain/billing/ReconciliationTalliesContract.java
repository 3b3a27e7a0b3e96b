package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReconciliationTallies} does, on the in-memory port and the DynamoDB adapter
 * alike: pages' totals added per pair, each page once, kept apart by tenant and run.
 */
public abstract class ReconciliationTalliesContract {
  protected abstract ReconciliationTallies tallies();

  private static final Instant KEEP_UNTIL = Instant.parse("2026-12-12T00:00:00Z");
  private static final CountedUsage.Key ACME_CALLS = new CountedUsage.Key("cus_acme", "api-calls");
  private static final CountedUsage.Key ACME_STORAGE =
      new CountedUsage.Key("cus_acme", "storage-gb");
  private static final CountedUsage.Key BETA_CALLS = new CountedUsage.Key("cus_beta", "api-calls");
  private final String tenant = "ten_contract_" + System.nanoTime();
  private final String run = "daily:2026-12-03";

  @Test
  void pagesAddUpPerCustomerAndEntitlementAndNothingAddedIsZero() {
    tallies()
        .add(
            tenant,
            run,
            0,
            Map.of(ACME_CALLS, new BigDecimal("7"), ACME_STORAGE, new BigDecimal("2500.5")),
            KEEP_UNTIL);
    tallies().add(tenant, run, 1, Map.of(ACME_CALLS, new BigDecimal("0.25")), KEEP_UNTIL);

    assertThat(tallies().total(tenant, run, ACME_CALLS)).isEqualByComparingTo("7.25");
    assertThat(tallies().total(tenant, run, ACME_STORAGE)).isEqualByComparingTo("2500.5");
    assertThat(tallies().total(tenant, run, BETA_CALLS)).isEqualByComparingTo("0");
  }

  @Test
  void aPageAddedAgainOrAnEarlierOneAfterALaterAddsNothing() {
    tallies().add(tenant, run, 0, Map.of(ACME_CALLS, new BigDecimal("3")), KEEP_UNTIL);
    tallies().add(tenant, run, 1, Map.of(ACME_CALLS, new BigDecimal("4")), KEEP_UNTIL);
    tallies()
        .add(
            tenant,
            run,
            1,
            Map.of(ACME_CALLS, new BigDecimal("4"), BETA_CALLS, new BigDecimal("10")),
            KEEP_UNTIL);
    tallies().add(tenant, run, 0, Map.of(ACME_CALLS, new BigDecimal("3")), KEEP_UNTIL);

    assertThat(tallies().total(tenant, run, ACME_CALLS)).isEqualByComparingTo("7");
    assertThat(tallies().total(tenant, run, BETA_CALLS)).isEqualByComparingTo("10");
  }

  @Test
  void runsAndTenantsAreKeptApart() {
    tallies().add(tenant, run, 0, Map.of(ACME_CALLS, new BigDecimal("3")), KEEP_UNTIL);
    tallies()
        .add(tenant, "requested:rcn_1", 0, Map.of(ACME_CALLS, new BigDecimal("5")), KEEP_UNTIL);
    tallies().add(tenant + "_other", run, 0, Map.of(ACME_CALLS, new BigDecimal("9")), KEEP_UNTIL);

    assertThat(tallies().total(tenant, run, ACME_CALLS)).isEqualByComparingTo("3");
    assertThat(tallies().total(tenant, "requested:rcn_1", ACME_CALLS)).isEqualByComparingTo("5");
    assertThat(tallies().total(tenant + "_other", run, ACME_CALLS)).isEqualByComparingTo("9");
  }
}
