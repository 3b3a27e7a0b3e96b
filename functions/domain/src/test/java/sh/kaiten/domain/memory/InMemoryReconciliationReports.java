package sh.kaiten.domain.memory;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Reconciliation results in memory, for unit tests: each run recorded once with its events into
 * {@link #outbox}, together.
 */
public final class InMemoryReconciliationReports implements ReconciliationReports {
  public final InMemoryOutbox outbox = new InMemoryOutbox();
  private final Map<String, ReconciliationReport> runs = new ConcurrentHashMap<>();
  private final Map<String, ReconciliationReport> latest = new ConcurrentHashMap<>();
  private final Map<String, LocalDate> daily = new ConcurrentHashMap<>();

  @Override
  public synchronized boolean record(ReconciliationReport report, List<Event> events) {
    if (runs.putIfAbsent(report.tenantId() + " " + report.runId(), report) != null) {
      return false;
    }
    latest.put(report.tenantId(), report);
    outbox.write(new ChangeRecords(events, List.of()));
    return true;
  }

  @Override
  public boolean recorded(String tenantId, String runId) {
    return runs.containsKey(tenantId + " " + runId);
  }

  @Override
  public Optional<ReconciliationReport> latest(String tenantId) {
    return Optional.ofNullable(latest.get(tenantId));
  }

  @Override
  public Optional<LocalDate> dailyQueued(String tenantId) {
    return Optional.ofNullable(daily.get(tenantId));
  }

  @Override
  public void markDailyQueued(String tenantId, LocalDate day) {
    daily.put(tenantId, day);
  }
}
