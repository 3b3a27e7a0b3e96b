package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.memory.InMemoryReconciliationReports;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;

class ReconciliationSchedulingTest {
  private static final Duration LATE_WINDOW = Duration.ofHours(24);

  /** December 3 is settled from December 5, 01:00 (its end, the late window, the margin). */
  private static final Instant SETTLED = Instant.parse("2026-12-05T01:00:00Z");

  private final SettableClock clock = new SettableClock(SETTLED.minusSeconds(1));
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
  private final InMemoryReconciliationReports reports = new InMemoryReconciliationReports();
  private final List<BillingJob> queued = new ArrayList<>();
  private final ReconciliationScheduling scheduling =
      new ReconciliationScheduling(connectors, reports, queued::add, clock, LATE_WINDOW);

  private void connector(String tenant) {
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of(
                "api-calls",
                new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM)),
            "stripe_id",
            SETTLED,
            SETTLED));
  }

  @Test
  void eachTenantWithAConnectorGetsTheLatestSettledDayOnce() {
    connector("ten_1");
    connector("ten_2");

    assertThat(scheduling.daily(List.of("ten_1", "ten_2", "ten_none")).queued())
        .containsExactly("ten_1 2026-12-02", "ten_2 2026-12-02");
    clock.advance(Duration.ofSeconds(1));
    ReconciliationScheduling.DailyRun run = scheduling.daily(List.of("ten_1", "ten_2", "ten_none"));
    assertThat(run.queued()).containsExactly("ten_1 2026-12-03", "ten_2 2026-12-03");
    assertThat(scheduling.daily(List.of("ten_1", "ten_2")).queued()).isEmpty();

    assertThat(queued.get(2))
        .isEqualTo(
            new BillingJob.Reconciliation(
                "ten_1",
                "daily:2026-12-03",
                Instant.parse("2026-12-03T00:00:00Z"),
                Instant.parse("2026-12-04T00:00:00Z"),
                SETTLED));
    assertThat(queued).hasSize(4);
    assertThat(reports.dailyQueued("ten_1")).contains(LocalDate.parse("2026-12-03"));
  }

  /**
   * A scheduler down from December 5 to January 5, 01:00 (January 3 has settled): ten_1's last
   * queued day was December 3, so December 4 to January 3 are queued, oldest first, each once;
   * ten_2, last queued October 1, catches up only to the days that started within 35 days (December
   * 2 on: December 1 started 35 days and an hour before); ten_3, never queued, gets January 3
   * alone.
   */
  @Test
  void aSchedulerThatWasDownQueuesEachMissedSettledDayOnceWithin35Days() {
    connector("ten_1");
    connector("ten_2");
    connector("ten_3");
    reports.markDailyQueued("ten_1", LocalDate.parse("2026-12-03"));
    reports.markDailyQueued("ten_2", LocalDate.parse("2026-10-01"));
    clock.set(Instant.parse("2027-01-05T01:00:00Z"));

    List<String> run = scheduling.daily(List.of("ten_1", "ten_2", "ten_3")).queued();

    List<String> expected = new ArrayList<>();
    for (LocalDate day = LocalDate.parse("2026-12-04");
        !day.isAfter(LocalDate.parse("2027-01-03"));
        day = day.plusDays(1)) {
      expected.add("ten_1 " + day);
    }
    for (LocalDate day = LocalDate.parse("2026-12-02");
        !day.isAfter(LocalDate.parse("2027-01-03"));
        day = day.plusDays(1)) {
      expected.add("ten_2 " + day);
    }
    expected.add("ten_3 2027-01-03");
    assertThat(run).containsExactlyElementsOf(expected);
    assertThat(run).hasSize(31 + 33 + 1);
    assertThat(queued)
        .extracting(job -> job.tenantId() + " " + ((BillingJob.Reconciliation) job).runId())
        .doesNotHaveDuplicates()
        .hasSize(65);
    assertThat(queued.get(0))
        .isEqualTo(
            new BillingJob.Reconciliation(
                "ten_1",
                "daily:2026-12-04",
                Instant.parse("2026-12-04T00:00:00Z"),
                Instant.parse("2026-12-05T00:00:00Z"),
                clock.instant()));
    assertThat(reports.dailyQueued("ten_2")).contains(LocalDate.parse("2027-01-03"));
    assertThat(scheduling.daily(List.of("ten_1", "ten_2", "ten_3")).queued()).isEmpty();
    assertThat(queued).hasSize(65);
  }

  /** Queued, then marked: a tenant whose queue fails resumes from the day it failed on. */
  @Test
  void aFailedCatchUpResumesFromTheDayThatFailed() {
    connector("ten_1");
    reports.markDailyQueued("ten_1", LocalDate.parse("2026-11-28"));
    List<BillingJob> accepted = new ArrayList<>();
    ReconciliationScheduling failing =
        new ReconciliationScheduling(
            connectors,
            reports,
            job -> {
              if (accepted.size() == 2) {
                throw new IllegalStateException("queue unavailable");
              }
              accepted.add(job);
            },
            clock,
            LATE_WINDOW);

    ReconciliationScheduling.DailyRun run = failing.daily(List.of("ten_1"));

    assertThat(run.queued()).containsExactly("ten_1 2026-11-29", "ten_1 2026-11-30");
    assertThat(run.failures())
        .containsExactly("stripe reconciliation of tenant ten_1: queue unavailable");
    assertThat(reports.dailyQueued("ten_1")).contains(LocalDate.parse("2026-11-30"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(scheduling.daily(List.of("ten_1")).queued())
        .containsExactly("ten_1 2026-12-01", "ten_1 2026-12-02", "ten_1 2026-12-03");
  }

  @Test
  void anAdminAsksForAWindowOfWholeMinutesUpToNow() {
    connector("ten_1");
    ApiToken admin = new ApiToken("tok_1", "ten_1", TokenScope.ADMIN, null, null, SETTLED);
    Instant from = Instant.parse("2026-12-04T10:00:00Z");

    BillingJob.Reconciliation job = scheduling.request(admin, from, null);

    assertThat(job.windowStart()).isEqualTo(from);
    assertThat(job.windowEnd()).isEqualTo(Instant.parse("2026-12-05T00:59:00Z"));
    assertThat(job.recordsTo()).isEqualTo(clock.instant());
    assertThat(job.runId()).startsWith("requested:rcn_");
    assertThat(queued).containsExactly(job);
    assertThatThrownBy(() -> scheduling.request(admin, from.plusSeconds(1), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("from must be a whole minute");
    assertThatThrownBy(() -> scheduling.request(admin, from, from))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("to must be after from");
    assertThatThrownBy(() -> scheduling.request(admin, from, SETTLED.plusSeconds(60)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("to is in the future");
    assertThatThrownBy(() -> scheduling.request(admin, from.minus(Duration.ofDays(32)), from))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 31 days");
    assertThatThrownBy(
            () ->
                scheduling.request(
                    new ApiToken("tok_2", "ten_2", TokenScope.ADMIN, null, null, SETTLED),
                    from,
                    null))
        .isInstanceOf(NotFoundException.class);
    assertThat(queued).hasSize(1);
  }
}
