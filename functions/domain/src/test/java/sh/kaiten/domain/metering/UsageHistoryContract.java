package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;

/**
 * What every {@link UsageHistory} reads back of what its {@link UsageCounters} wrote, run against
 * the in-memory ports and the DynamoDB adapters alike: a counter's periods in key order (the
 * lifetime period last), sliced and bounded, each the merge of its shards.
 */
public abstract class UsageHistoryContract {
  private static final Instant SEPTEMBER = Instant.parse("2026-09-01T00:00:00Z");
  private static final Instant OCTOBER = Instant.parse("2026-10-01T00:00:00Z");
  private static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");

  /**
   * The counters the history reads; each test uses a tenant of its own, so a shared store is fine.
   */
  protected abstract UsageCounters counters();

  protected abstract UsageHistory history();

  private final String tenantId = "tnt_history_" + System.nanoTime();
  private final String holder = CounterKey.instanceHolder("acme-prod");

  private void count(
      String entitlement, String holder, Period period, Metering metering, String value) {
    PeriodClose close =
        period.start() == null
            ? new PeriodClose(period, null, null)
            : PeriodClose.of(period, Duration.ofHours(24), null);
    counters()
        .add(
            new CounterKey(tenantId, entitlement, holder, period.key()),
            metering,
            close,
            new BigDecimal(value),
            period.start() == null ? NOVEMBER : period.start(),
            null);
  }

  private static String usage(UsageHistory.PeriodTally period) {
    return period.period()
        + "="
        + period.tally().value(Aggregation.SUM).stripTrailingZeros().toPlainString();
  }

  @Test
  void aCountersPeriodsComeInKeyOrderSlicedAndTheLifetimePeriodLast() {
    Metering sum = Metering.of(Aggregation.SUM);
    count("api-calls", holder, new Period(NOVEMBER, DECEMBER), sum, "3");
    count("api-calls", holder, new Period(SEPTEMBER, OCTOBER), sum, "1");
    count("api-calls", holder, new Period(OCTOBER, NOVEMBER), sum, "2");
    count("api-calls", holder, new Period(OCTOBER, NOVEMBER), sum, "5");
    count("api-calls", holder, Period.LIFETIME, sum, "9");
    count("storage", holder, new Period(OCTOBER, NOVEMBER), sum, "100");
    count(
        "api-calls",
        CounterKey.instanceHolder("acme-dev"),
        new Period(OCTOBER, NOVEMBER),
        sum,
        "200");

    UsageHistory.Slice first =
        history().periods(tenantId, "api-calls", holder, Aggregation.SUM, null, null, null, 2);
    assertThat(first.periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(SEPTEMBER + "=1", OCTOBER + "=7");
    assertThat(first.more()).isTrue();

    UsageHistory.Slice rest =
        history()
            .periods(
                tenantId, "api-calls", holder, Aggregation.SUM, null, null, OCTOBER.toString(), 2);
    assertThat(rest.periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(NOVEMBER + "=3", "lifetime=9");
    assertThat(rest.more()).isFalse();
  }

  @Test
  void boundsKeepOnlyDatedPeriodsStartingWithinThem() {
    Metering sum = Metering.of(Aggregation.SUM);
    count("api-calls", holder, new Period(SEPTEMBER, OCTOBER), sum, "1");
    count("api-calls", holder, new Period(OCTOBER, NOVEMBER), sum, "2");
    count("api-calls", holder, new Period(NOVEMBER, DECEMBER), sum, "3");
    count("api-calls", holder, Period.LIFETIME, sum, "9");

    assertThat(
            history()
                .periods(
                    tenantId, "api-calls", holder, Aggregation.SUM, OCTOBER, NOVEMBER, null, 10)
                .periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(OCTOBER + "=2");
    assertThat(
            history()
                .periods(tenantId, "api-calls", holder, Aggregation.SUM, OCTOBER, null, null, 10)
                .periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(OCTOBER + "=2", NOVEMBER + "=3");
    assertThat(
            history()
                .periods(tenantId, "api-calls", holder, Aggregation.SUM, null, OCTOBER, null, 10)
                .periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(SEPTEMBER + "=1");
  }

  @Test
  void aCounterSpreadOverShardsIsOnePeriodHoldingThemAll() {
    Metering sharded =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.SOFT, null, null, null, 4);
    for (int report = 0; report < 12; report++) {
      count("api-calls", holder, new Period(NOVEMBER, DECEMBER), sharded, "1");
    }

    UsageHistory.Slice slice =
        history().periods(tenantId, "api-calls", holder, Aggregation.SUM, null, null, null, 10);
    assertThat(slice.periods())
        .extracting(UsageHistoryContract::usage)
        .containsExactly(NOVEMBER + "=12");
    assertThat(slice.periods().get(0).tally().count()).isEqualTo(12);
  }
}
