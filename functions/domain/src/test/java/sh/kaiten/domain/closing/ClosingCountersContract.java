package sh.kaiten.domain.closing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * What every {@link ClosingCounters} reads of what its {@link UsageCounters} wrote, run against the
 * in-memory ports and the DynamoDB adapters alike: a period is due once final, its item holds what
 * the counter kept with the notes of its writes, and an item done with is due no more.
 */
public abstract class ClosingCountersContract {
  private static final Period NOVEMBER =
      new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
  private static final Instant FINAL = Instant.parse("2026-12-02T00:00:00Z");

  /**
   * The counters whose writes file their periods; each test uses a tenant of its own, so a shared
   * store is fine.
   */
  protected abstract UsageCounters counters();

  protected abstract ClosingCounters closing();

  private final String tenantId = "tnt_closing_" + System.nanoTime();

  private CounterKey counter(String entitlement) {
    return new CounterKey(
        tenantId, entitlement, CounterKey.instanceHolder("acme-prod"), NOVEMBER.key());
  }

  private void count(CounterKey counter, Period period, BigDecimal limit, String value) {
    PeriodClose close =
        period.start() == null
            ? new PeriodClose(period, null, null)
            : PeriodClose.of(period, Duration.ofHours(24), limit);
    counters()
        .add(
            counter,
            Metering.of(Aggregation.SUM),
            close,
            new BigDecimal(value),
            NOVEMBER.start(),
            null);
  }

  private List<CounterKey> due(Instant until) {
    return closing().due(until, 1000).stream()
        .filter(counter -> counter.tenantId().equals(tenantId))
        .toList();
  }

  @Test
  void aPeriodIsDueOnceFinalAndItsItemHoldsWhatTheCounterKept() {
    CounterKey apiCalls = counter("api-calls");
    count(apiCalls, NOVEMBER, new BigDecimal("1000"), "3");
    count(apiCalls, NOVEMBER, new BigDecimal("1000"), "4");

    assertThat(due(FINAL.minusSeconds(1))).isEmpty();
    assertThat(due(FINAL)).containsExactly(apiCalls);

    List<CounterItem> items = closing().items(apiCalls);
    assertThat(items).hasSize(1);
    CounterItem item = items.get(0);
    assertThat(item.counter()).isEqualTo(apiCalls);
    assertThat(item.shard()).isZero();
    assertThat(item.aggregation()).isEqualTo(Aggregation.SUM);
    assertThat(item.period()).isEqualTo(NOVEMBER);
    assertThat(item.limit()).isEqualByComparingTo("1000");
    assertThat(item.tally().value(Aggregation.SUM)).isEqualByComparingTo("7");
    assertThat(item.tally().count()).isEqualTo(2);
  }

  @Test
  void anItemDoneWithIsDueNoMoreAndALifetimeCounterNeverIs() {
    CounterKey apiCalls = counter("api-calls");
    CounterKey storage = counter("storage");
    count(apiCalls, NOVEMBER, null, "1");
    count(storage, NOVEMBER, null, "1");
    count(
        new CounterKey(
            tenantId, "seats", CounterKey.instanceHolder("acme-prod"), Period.LIFETIME.key()),
        Period.LIFETIME,
        null,
        "1");

    assertThat(due(FINAL)).containsExactlyInAnyOrder(apiCalls, storage);
    assertThat(closing().items(apiCalls).get(0).limit()).isNull();

    closing().done(closing().items(apiCalls).get(0));

    assertThat(due(FINAL)).containsExactly(storage);
  }
}
