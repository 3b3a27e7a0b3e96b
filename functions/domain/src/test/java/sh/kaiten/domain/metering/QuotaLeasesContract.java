package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What every {@link QuotaLeases} does, with the {@link UsageCounters} of the same store, run
 * against the in-memory port and the DynamoDB adapter alike: usage + live leased units never pass
 * the ceiling, whether units are taken by grants or plain reports; expired leases give their units
 * back with no sweeper; settlement moves units from a lease to the usage; release returns them at
 * once.
 */
public abstract class QuotaLeasesContract {
  protected static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Period NOVEMBER =
      new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
  private static final BigDecimal LIMIT = BigDecimal.valueOf(100);
  private static final PeriodClose CLOSE = PeriodClose.of(NOVEMBER, Duration.ofHours(24), LIMIT);
  private static final Metering SUM =
      new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null);
  private static final Metering COUNT =
      new Metering(Aggregation.COUNT, null, null, null, Enforcement.HARD, null, null, null);

  /** The clock the store under test tells expiries by; each test starts at {@link #NOW}. */
  protected abstract SettableClock clock();

  protected abstract UsageCounters counters();

  protected abstract QuotaLeases leases();

  /** The ids of the audit records the store holds for a tenant. */
  protected abstract List<String> recorded(String tenantId);

  protected final String tenantId = "tnt_leases_" + System.nanoTime();
  private final String instanceId = "acme-prod";

  protected CounterKey counter(String entitlement) {
    return new CounterKey(
        tenantId, entitlement, CounterKey.instanceHolder(instanceId), NOVEMBER.key());
  }

  private static BigDecimal units(long units) {
    return BigDecimal.valueOf(units);
  }

  private Lease lease(String id, long units, Duration ttl) {
    return new Lease(id, instanceId, units(units), units(units), clock().instant().plus(ttl));
  }

  private ChangeRecords records(String what) {
    return new ChangeRecords(
        List.of(),
        new Auditing(null, java.time.Clock.systemUTC(), Duration.ofDays(400))
            .prepare(
                tenantId,
                "tok_contract",
                "req-" + what,
                List.of(
                    new AuditEntry(
                        "lease.granted",
                        instanceId,
                        List.of("calls"),
                        "{\"what\":\"" + what + "\"}",
                        "{}"))));
  }

  private CounterUpdate report(CounterKey key, Metering metering, long value) {
    return counters().add(key, metering, CLOSE, units(value), clock().instant(), LIMIT);
  }

  private void grant(CounterKey key, Metering metering, Lease lease) {
    leases()
        .grant(
            key,
            metering,
            leases().read(key, metering),
            lease,
            LIMIT,
            100,
            clock().instant(),
            ChangeRecords.NONE);
  }

  @Test
  void aGrantHoldsItsUnitsAgainstPlainReports() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    report(key, SUM, 30);
    grant(key, SUM, lease("lse_a", 60, Duration.ofMinutes(1)));

    assertThat(report(key, SUM, 11)).isInstanceOf(CounterUpdate.Refused.class);
    assertThat(report(key, SUM, 10)).isInstanceOf(CounterUpdate.Counted.class);
    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.usage(Aggregation.SUM)).isEqualByComparingTo("40");
    assertThat(read.leased(clock().instant())).isEqualByComparingTo("60");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("100");
    assertThat(read.lease("lse_a")).contains(lease("lse_a", 60, Duration.ofMinutes(1)));
  }

  @Test
  void aGrantPastTheCeilingWritesNothing() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    report(key, SUM, 30);
    LeasedCounter seen = leases().read(key, SUM);
    report(key, SUM, 20); // moved since seen: 50 used

    assertThatThrownBy(
            () ->
                leases()
                    .grant(
                        key,
                        SUM,
                        seen,
                        lease("lse_a", 70, Duration.ofMinutes(1)),
                        LIMIT,
                        100,
                        clock().instant(),
                        ChangeRecords.NONE))
        .isInstanceOf(CounterContendedException.class);
    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.leases()).isEmpty();
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("50");
  }

  @Test
  void anExpiredLeaseGivesItsUnitsBackToPlainReportsWithNoSweeper() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 100, Duration.ofMinutes(1)));
    assertThat(report(key, SUM, 1)).isInstanceOf(CounterUpdate.Refused.class);

    clock().advance(Duration.ofMinutes(1)); // the lease ends at its expiry, exclusive
    assertThat(report(key, SUM, 100)).isInstanceOf(CounterUpdate.Counted.class);

    assertThat(counters().tally(key, SUM).sum()).isEqualByComparingTo("100");
    assertThat(report(key, SUM, 1)).isInstanceOf(CounterUpdate.Refused.class);
  }

  @Test
  void anExpiredLeaseGivesItsUnitsBackToTheNextGrantWhichPrunesIt() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 80, Duration.ofMinutes(1)));
    clock().advance(Duration.ofSeconds(61));

    LeasedCounter seen = leases().read(key, SUM);
    assertThat(seen.available(LIMIT, clock().instant())).isEqualByComparingTo("100");
    leases()
        .grant(
            key,
            SUM,
            seen,
            lease("lse_b", 100, Duration.ofMinutes(1)),
            LIMIT,
            100,
            clock().instant(),
            ChangeRecords.NONE);

    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.leases()).containsOnlyKeys("lse_b");
    assertThat(read.held()).isEqualByComparingTo("100");
  }

  @Test
  void aSettlementMovesUnitsFromTheLeaseToTheUsage() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 50, Duration.ofMinutes(1)));
    LeasedCounter seen = leases().read(key, SUM);
    Lease lease = seen.lease("lse_a").orElseThrow();

    CounterUpdate update =
        leases()
            .settle(
                key,
                SUM,
                CLOSE,
                seen,
                lease,
                units(20),
                1,
                clock().instant(),
                units(20),
                BigDecimal.ZERO,
                LIMIT,
                clock().instant(),
                null,
                records("settled"));

    assertThat(update)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            counted -> assertThat(counted.after().sum()).isEqualByComparingTo("20"));
    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.usage(Aggregation.SUM)).isEqualByComparingTo("20");
    assertThat(read.tally().count()).isEqualTo(1);
    assertThat(read.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("30");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("50");
    assertThat(recorded(tenantId)).hasSize(1);
  }

  @Test
  void aCountSettlementOfManyReportsTakesThatManyUnitsFromItsLease() {
    clock().set(NOW);
    CounterKey key = counter("requests");
    grant(key, COUNT, lease("lse_a", 10, Duration.ofMinutes(1)));
    LeasedCounter seen = leases().read(key, COUNT);

    // 7 reports whose values sum to 70: under COUNT they take 7 units.
    CounterUpdate update =
        leases()
            .settle(
                key,
                COUNT,
                CLOSE,
                seen,
                seen.lease("lse_a").orElseThrow(),
                units(70),
                7,
                clock().instant(),
                units(7),
                BigDecimal.ZERO,
                LIMIT,
                clock().instant(),
                null,
                records("settled"));

    assertThat(update)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            counted -> {
              assertThat(counted.after().count()).isEqualTo(7);
              assertThat(counted.after().sum()).isEqualByComparingTo("70");
            });
    LeasedCounter read = leases().read(key, COUNT);
    assertThat(read.usage(Aggregation.COUNT)).isEqualByComparingTo("7");
    assertThat(read.tally().count()).isEqualTo(7);
    assertThat(read.tally().sum()).isEqualByComparingTo("70");
    assertThat(read.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("3");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("10");
    assertThat(counters().tally(key, COUNT).value(Aggregation.COUNT)).isEqualByComparingTo("7");
    assertThat(recorded(tenantId)).hasSize(1);
  }

  @Test
  void aSumSettlementOfManyReportsAddsItsValueToTheTotalAndItsReportsToTheCount() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    report(key, SUM, 3);
    grant(key, SUM, lease("lse_a", 50, Duration.ofMinutes(1)));
    LeasedCounter seen = leases().read(key, SUM);

    leases()
        .settle(
            key,
            SUM,
            CLOSE,
            seen,
            seen.lease("lse_a").orElseThrow(),
            units(12),
            5,
            clock().instant(),
            units(12),
            BigDecimal.ZERO,
            LIMIT,
            clock().instant(),
            null,
            ChangeRecords.NONE);

    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.usage(Aggregation.SUM)).isEqualByComparingTo("15");
    assertThat(read.tally().count()).isEqualTo(6);
    assertThat(read.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("38");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("53");
  }

  @Test
  void aCountSettlementPastItsLeaseTakesTheRestFromThePoolOrWritesNothing() {
    clock().set(NOW);
    CounterKey key = counter("requests");
    grant(key, COUNT, lease("lse_a", 10, Duration.ofMinutes(1)));
    grant(key, COUNT, lease("lse_b", 85, Duration.ofMinutes(1)));
    LeasedCounter first = leases().read(key, COUNT);
    leases()
        .settle(
            key,
            COUNT,
            CLOSE,
            first,
            first.lease("lse_b").orElseThrow(),
            units(85),
            85,
            clock().instant(),
            units(85),
            BigDecimal.ZERO,
            LIMIT,
            clock().instant(),
            null,
            ChangeRecords.NONE);
    LeasedCounter seen = leases().read(key, COUNT); // 85 used, 10 on lse_a: 5 left in the pool
    Lease lease = seen.lease("lse_a").orElseThrow();

    assertThatThrownBy(
            () ->
                leases()
                    .settle(
                        key,
                        COUNT,
                        CLOSE,
                        seen,
                        lease,
                        units(16),
                        16,
                        clock().instant(),
                        units(10),
                        units(6),
                        LIMIT,
                        clock().instant(),
                        null,
                        ChangeRecords.NONE))
        .isInstanceOf(CounterContendedException.class);
    LeasedCounter unchanged = leases().read(key, COUNT);
    assertThat(unchanged.tally().count()).isEqualTo(85);
    assertThat(unchanged.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("10");

    leases()
        .settle(
            key,
            COUNT,
            CLOSE,
            seen,
            lease,
            units(15),
            15,
            clock().instant(),
            units(10),
            units(5),
            LIMIT,
            clock().instant(),
            null,
            ChangeRecords.NONE);

    LeasedCounter read = leases().read(key, COUNT);
    assertThat(read.usage(Aggregation.COUNT)).isEqualByComparingTo("100");
    assertThat(read.tally().sum()).isEqualByComparingTo("100");
    assertThat(read.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("0");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("100");
  }

  @Test
  void aSettlementPastItsLeaseTakesTheRestFromThePoolUnderTheCeiling() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 10, Duration.ofMinutes(1)));
    report(key, SUM, 85);
    LeasedCounter seen = leases().read(key, SUM);
    Lease lease = seen.lease("lse_a").orElseThrow();

    assertThatThrownBy(
            () ->
                leases()
                    .settle(
                        key,
                        SUM,
                        CLOSE,
                        seen,
                        lease,
                        units(16),
                        1,
                        clock().instant(),
                        units(10),
                        units(6),
                        LIMIT,
                        clock().instant(),
                        null,
                        ChangeRecords.NONE))
        .isInstanceOf(CounterContendedException.class);
    leases()
        .settle(
            key,
            SUM,
            CLOSE,
            seen,
            lease,
            units(15),
            1,
            clock().instant(),
            units(10),
            units(5),
            LIMIT,
            clock().instant(),
            null,
            ChangeRecords.NONE);

    LeasedCounter read = leases().read(key, SUM);
    assertThat(read.usage(Aggregation.SUM)).isEqualByComparingTo("100");
    assertThat(read.lease("lse_a").orElseThrow().units()).isEqualByComparingTo("0");
    assertThat(read.heldAt(clock().instant())).isEqualByComparingTo("100");
  }

  @Test
  void aSettlementOfALeaseChangedSinceItWasReadWritesNothing() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 50, Duration.ofMinutes(1)));
    LeasedCounter seen = leases().read(key, SUM);
    Lease lease = seen.lease("lse_a").orElseThrow();
    leases()
        .settle(
            key,
            SUM,
            CLOSE,
            seen,
            lease,
            units(5),
            1,
            clock().instant(),
            units(5),
            BigDecimal.ZERO,
            LIMIT,
            clock().instant(),
            null,
            ChangeRecords.NONE);

    assertThatThrownBy(
            () ->
                leases()
                    .settle(
                        key,
                        SUM,
                        CLOSE,
                        seen,
                        lease,
                        units(5),
                        1,
                        clock().instant(),
                        units(5),
                        BigDecimal.ZERO,
                        LIMIT,
                        clock().instant(),
                        null,
                        ChangeRecords.NONE))
        .isInstanceOf(CounterContendedException.class);
    assertThat(counters().tally(key, SUM).sum()).isEqualByComparingTo("5");
  }

  @Test
  void aSettlementWithAKeyUsedBeforeWritesNothing() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 50, Duration.ofMinutes(1)));
    IdempotentReport remember =
        new IdempotentReport(
            tenantId,
            instanceId,
            "k-1",
            "calls|5",
            new ReportResult(UsageState.of("calls", SUM, LIMIT, units(5), NOVEMBER, true), null),
            NOW.plus(Duration.ofDays(35)));
    LeasedCounter seen = leases().read(key, SUM);
    leases()
        .settle(
            key,
            SUM,
            CLOSE,
            seen,
            seen.lease("lse_a").orElseThrow(),
            units(5),
            1,
            clock().instant(),
            units(5),
            BigDecimal.ZERO,
            LIMIT,
            clock().instant(),
            remember,
            ChangeRecords.NONE);
    LeasedCounter again = leases().read(key, SUM);

    CounterUpdate replay =
        leases()
            .settle(
                key,
                SUM,
                CLOSE,
                again,
                again.lease("lse_a").orElseThrow(),
                units(5),
                1,
                clock().instant(),
                units(5),
                BigDecimal.ZERO,
                LIMIT,
                clock().instant(),
                remember,
                ChangeRecords.NONE);

    assertThat(replay)
        .isInstanceOfSatisfying(
            CounterUpdate.Duplicate.class,
            duplicate -> assertThat(duplicate.first().fingerprint()).isEqualTo("calls|5"));
    assertThat(counters().tally(key, SUM).sum()).isEqualByComparingTo("5");
  }

  @Test
  void aReleaseReturnsTheUnusedUnitsAtOnce() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    grant(key, SUM, lease("lse_a", 70, Duration.ofMinutes(5)));
    report(key, SUM, 30);
    LeasedCounter seen = leases().read(key, SUM);

    leases()
        .release(
            key,
            SUM,
            seen,
            seen.lease("lse_a").orElseThrow(),
            clock().instant(),
            records("released"));

    assertThat(leases().read(key, SUM).leases()).isEmpty();
    assertThat(report(key, SUM, 40)).isInstanceOf(CounterUpdate.Counted.class);
    assertThat(recorded(tenantId)).hasSize(1);
    // A lease is stored again after the last one left.
    grant(key, SUM, lease("lse_b", 30, Duration.ofMinutes(1)));
    assertThat(leases().read(key, SUM).leases()).containsOnlyKeys("lse_b");
    assertThat(leases().read(key, SUM).held()).isEqualByComparingTo("100");
  }

  @Test
  void aCountCounterLeasesReports() {
    clock().set(NOW);
    CounterKey key = counter("requests");
    report(key, COUNT, 7);
    grant(key, COUNT, lease("lse_a", 98, Duration.ofMinutes(1)));

    assertThat(report(key, COUNT, 1)).isInstanceOf(CounterUpdate.Counted.class);
    assertThat(report(key, COUNT, 1)).isInstanceOf(CounterUpdate.Refused.class);
    assertThat(leases().read(key, COUNT).heldAt(clock().instant())).isEqualByComparingTo("100");
  }

  @Test
  void aCounterHoldsAtMostItsBoundOfLeasesAndAnExpiredOneMakesRoom() {
    clock().set(NOW);
    CounterKey key = counter("calls");
    for (int i = 0; i < 3; i++) {
      leases()
          .grant(
              key,
              SUM,
              leases().read(key, SUM),
              lease("lse_" + i, 1, Duration.ofSeconds(10 + i)),
              LIMIT,
              3,
              clock().instant(),
              ChangeRecords.NONE);
    }
    assertThatThrownBy(
            () ->
                leases()
                    .grant(
                        key,
                        SUM,
                        leases().read(key, SUM),
                        lease("lse_3", 1, Duration.ofMinutes(1)),
                        LIMIT,
                        3,
                        clock().instant(),
                        ChangeRecords.NONE))
        .isInstanceOf(CounterContendedException.class);

    clock().advance(Duration.ofSeconds(10));
    leases()
        .grant(
            key,
            SUM,
            leases().read(key, SUM),
            lease("lse_3", 1, Duration.ofMinutes(1)),
            LIMIT,
            3,
            clock().instant(),
            ChangeRecords.NONE);
    assertThat(leases().read(key, SUM).leases()).containsOnlyKeys("lse_1", "lse_2", "lse_3");
  }

  @Test
  void grantsAndPlainReportsTogetherNeverPassTheCeilingUnderConcurrency() throws Exception {
    clock().set(NOW);
    CounterKey key = counter("hot");
    BigDecimal ceiling = BigDecimal.valueOf(1000);
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger reported = new AtomicInteger();
    AtomicInteger leaseIds = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int task = 0; task < 8; task++) {
      boolean grants = task % 2 == 0;
      tasks.add(
          () -> {
            for (int round = 0; round < 40; round++) {
              if (grants) {
                granted.addAndGet(
                    grantWhatFits(key, ceiling, 17, "lse_c" + leaseIds.incrementAndGet()));
              } else if (counters().add(key, SUM, CLOSE, units(7), clock().instant(), ceiling)
                  instanceof CounterUpdate.Counted) {
                reported.addAndGet(7);
              }
            }
            return null;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Future<Void> done : pool.invokeAll(tasks)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    LeasedCounter read = leases().read(key, SUM);
    // Demand (8 × 40 × ~12 units) is far above 1,000: the pool is used to the last unit the steps
    // allow.
    assertThat(read.usage(Aggregation.SUM))
        .isEqualByComparingTo(BigDecimal.valueOf(reported.get()));
    assertThat(read.leased(clock().instant()))
        .isEqualByComparingTo(BigDecimal.valueOf(granted.get()));
    assertThat(granted.get() + reported.get()).isLessThanOrEqualTo(1000).isGreaterThan(1000 - 7);
    assertThat(read.held())
        .isEqualByComparingTo(BigDecimal.valueOf(granted.get() + reported.get()));
  }

  /**
   * What a use case does: read, grant what fits (possibly fewer), and read again when the counter
   * moved.
   */
  private int grantWhatFits(CounterKey key, BigDecimal ceiling, int asked, String id) {
    while (true) {
      LeasedCounter seen = leases().read(key, SUM);
      BigDecimal fits = seen.available(ceiling, clock().instant()).min(units(asked));
      if (fits.signum() == 0) {
        return 0;
      }
      try {
        leases()
            .grant(
                key,
                SUM,
                seen,
                new Lease(id, instanceId, fits, fits, clock().instant().plusSeconds(60)),
                ceiling,
                1000,
                clock().instant(),
                ChangeRecords.NONE);
        return fits.intValueExact();
      } catch (CounterContendedException moved) {
        // read again
      }
    }
  }
}
