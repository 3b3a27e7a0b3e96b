package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;

/**
 * What every {@link ReconciliationReports} does, on the in-memory port and the DynamoDB adapter
 * alike: a run's result recorded once with its events, read back whole as the tenant's latest, and
 * the daily mark, per tenant.
 */
public abstract class ReconciliationReportsContract {
  protected abstract ReconciliationReports reports();

  /** Whether the event went into the outbox. */
  protected abstract boolean outboxed(Event event);

  private static final Instant DAY = Instant.parse("2026-12-03T00:00:00Z");
  private final String tenant = "ten_contract_" + System.nanoTime();

  private ReconciliationReport report(String runId, int differences) {
    List<ReconciliationReport.Difference> found =
        differences == 0
            ? List.of()
            : List.of(
                new ReconciliationReport.Difference(
                    "cus_acme",
                    "cus_Stripe1",
                    "api-calls",
                    "api_calls",
                    new BigDecimal("42.5"),
                    new BigDecimal("40")),
                new ReconciliationReport.Difference(
                    "cus_beta", "cus_Stripe2", "api-calls", "api_calls", BigDecimal.TEN, null),
                new ReconciliationReport.Difference(
                    "cus_beta", "cus_Stripe2", "seats", "seats", null, new BigDecimal("3")));
    return new ReconciliationReport(
        tenant,
        runId,
        DAY,
        DAY.plusSeconds(86_400),
        DAY.plusSeconds(176_400),
        120,
        4,
        differences,
        found,
        List.of(
            "seats of cus_acme: its latest events in the window, at 2026-12-03T10:00:00Z, carry"
                + " different values, and Stripe keeps one of them without saying which: not"
                + " compared"),
        differences == 0
            ? List.of()
            : List.of(
                new ReconciliationReport.MeterFinding(
                    "logins",
                    "logins",
                    "mtr_logins",
                    MeterFormula.LAST,
                    List.of(MeterFormula.COUNT, MeterFormula.SUM)),
                new ReconciliationReport.MeterFinding(
                    "storage-gb", "storage_mb", null, null, List.of(MeterFormula.SUM))));
  }

  private Event event(String id) {
    return new Event(
        id,
        tenant,
        EventType.BILLING_RECONCILIATION_MISMATCH,
        DAY,
        JsonNodeFactory.instance.objectNode().put("run_id", "daily:2026-12-03"));
  }

  @Test
  void aRunIsRecordedOnceWithItsEventsAndReadBackWholeAsTheLatest() {
    assertThat(reports().latest(tenant)).isEmpty();
    assertThat(reports().recorded(tenant, "daily:2026-12-03")).isFalse();
    Event first = event("evt_contract_" + System.nanoTime() + "a");
    Event second = event("evt_contract_" + System.nanoTime() + "b");

    assertThat(reports().record(report("daily:2026-12-03", 2), List.of(first, second))).isTrue();

    assertThat(reports().recorded(tenant, "daily:2026-12-03")).isTrue();
    assertThat(reports().latest(tenant)).contains(report("daily:2026-12-03", 2));
    assertThat(outboxed(first)).isTrue();
    assertThat(outboxed(second)).isTrue();

    Event again = event("evt_contract_" + System.nanoTime() + "c");
    assertThat(reports().record(report("daily:2026-12-03", 2), List.of(again))).isFalse();
    assertThat(outboxed(again)).isFalse();

    assertThat(reports().record(report("requested:rcn_1", 0), List.of())).isTrue();
    assertThat(reports().latest(tenant)).contains(report("requested:rcn_1", 0));
    assertThat(reports().latest(tenant + "_other")).isEmpty();
    assertThat(reports().recorded(tenant + "_other", "daily:2026-12-03")).isFalse();
  }

  @Test
  void theDailyMarkIsTheLastDayQueuedPerTenant() {
    assertThat(reports().dailyQueued(tenant)).isEmpty();

    reports().markDailyQueued(tenant, LocalDate.parse("2026-12-02"));
    reports().markDailyQueued(tenant, LocalDate.parse("2026-12-03"));

    assertThat(reports().dailyQueued(tenant)).contains(LocalDate.parse("2026-12-03"));
    assertThat(reports().dailyQueued(tenant + "_other")).isEmpty();
  }
}
