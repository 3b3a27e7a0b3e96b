package sh.kaiten.domain.billing;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.events.Event;

/**
 * Port: each tenant's reconciliations against Stripe: every run's result recorded once, with its
 * events; the latest kept for the connector's status; and the last day the scheduler queued.
 */
public interface ReconciliationReports {
  /**
   * Records the run's result and puts its events into the outbox (whose stream publishes them with
   * these ids) in one write, unless a result of the same tenant and run was recorded before; the
   * result becomes the tenant's latest.
   *
   * @return true when this call recorded it; false when it was recorded before (nothing written)
   */
  boolean record(ReconciliationReport report, List<Event> events);

  /** Whether the tenant's run {@code runId} has its result recorded. */
  boolean recorded(String tenantId, String runId);

  /** The result recorded last for the tenant. */
  Optional<ReconciliationReport> latest(String tenantId);

  /** The last UTC day whose daily reconciliation was queued for the tenant. */
  Optional<LocalDate> dailyQueued(String tenantId);

  void markDailyQueued(String tenantId, LocalDate day);
}
