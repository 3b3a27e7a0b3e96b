package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.ReconciliationTallies.LastEvent;

/**
 * What every {@link ReconciliationTallies} does, on the in-memory port and the DynamoDB adapter
 * alike: pages' totals added per pair, each page once; latest events merged per pair, the later
 * second's kept, a second's different values a tie, whatever the order and however often; all kept
 * apart by tenant and run.
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

  private static final Instant TEN = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void theLaterSecondsEventIsKeptWhateverTheOrderAndNothingMergedIsEmpty() {
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, false)), KEEP_UNTIL);
    tallies()
        .merge(
            tenant,
            run,
            Map.of(ACME_STORAGE, new LastEvent(TEN.minusSeconds(1), 90, false)),
            KEEP_UNTIL);
    tallies()
        .merge(
            tenant,
            run,
            Map.of(BETA_CALLS, new LastEvent(TEN.plusMillis(1500), 7, false)),
            KEEP_UNTIL);

    assertThat(tallies().latest(tenant, run, ACME_STORAGE)).contains(new LastEvent(TEN, 40, false));
    assertThat(tallies().latest(tenant, run, BETA_CALLS))
        .contains(new LastEvent(TEN.plusSeconds(1), 7, false));
    assertThat(tallies().latest(tenant, run, ACME_CALLS)).isEmpty();
  }

  @Test
  void differentValuesOfOneSecondAreATieUntilALaterSecondComes() {
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, false)), KEEP_UNTIL);
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, false)), KEEP_UNTIL);
    assertThat(tallies().latest(tenant, run, ACME_STORAGE)).contains(new LastEvent(TEN, 40, false));

    tallies()
        .merge(
            tenant,
            run,
            Map.of(ACME_STORAGE, new LastEvent(TEN.plusMillis(300), 55, false)),
            KEEP_UNTIL);
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, false)), KEEP_UNTIL);
    assertThat(tallies().latest(tenant, run, ACME_STORAGE)).contains(new LastEvent(TEN, 55, true));

    tallies()
        .merge(
            tenant,
            run,
            Map.of(ACME_STORAGE, new LastEvent(TEN.plusSeconds(1), 3, false)),
            KEEP_UNTIL);
    assertThat(tallies().latest(tenant, run, ACME_STORAGE))
        .contains(new LastEvent(TEN.plusSeconds(1), 3, false));
  }

  @Test
  void aTieMergedIntoTheSameSecondStaysATie() {
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, true)), KEEP_UNTIL);
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 70, false)), KEEP_UNTIL);

    assertThat(tallies().latest(tenant, run, ACME_STORAGE)).contains(new LastEvent(TEN, 70, true));
  }

  @Test
  void latestEventsAreKeptApartByTenantAndRunAndFromTotals() {
    tallies().add(tenant, run, 0, Map.of(ACME_STORAGE, new BigDecimal("3")), KEEP_UNTIL);
    tallies().merge(tenant, run, Map.of(ACME_STORAGE, new LastEvent(TEN, 40, false)), KEEP_UNTIL);
    tallies()
        .merge(
            tenant,
            "requested:rcn_1",
            Map.of(ACME_STORAGE, new LastEvent(TEN, 5, false)),
            KEEP_UNTIL);
    tallies()
        .merge(
            tenant + "_other", run, Map.of(ACME_STORAGE, new LastEvent(TEN, 9, false)), KEEP_UNTIL);

    assertThat(tallies().latest(tenant, run, ACME_STORAGE)).contains(new LastEvent(TEN, 40, false));
    assertThat(tallies().latest(tenant, "requested:rcn_1", ACME_STORAGE))
        .contains(new LastEvent(TEN, 5, false));
    assertThat(tallies().latest(tenant + "_other", run, ACME_STORAGE))
        .contains(new LastEvent(TEN, 9, false));
    assertThat(tallies().total(tenant, run, ACME_STORAGE)).isEqualByComparingTo("3");
  }
}
