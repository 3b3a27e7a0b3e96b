package sh.kaiten.scheduler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import sh.kaiten.domain.auditing.AuditSealer;
import sh.kaiten.domain.billing.ReconciliationScheduling;
import sh.kaiten.domain.closing.PeriodClosing;
import sh.kaiten.domain.crm.CrmPushes;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.ScheduledRun;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.lifecycle.LifecycleEvents;
import sh.kaiten.domain.paging.Page;

/**
 * The EventBridge schedule's target: each tick announces the license moments that fell due and the
 * usage periods whose totals became final, seals the audit trail's finished hours, makes each CRM
 * connector's daily push once a UTC day, and queues each Stripe connector's daily reconciliations
 * once their days have settled (each day missed while it was down too, up to 35 days back). A cause
 * that fails is logged and stays due; the next tick tries it again.
 */
@RegisterForReflection(targets = {ScheduledEvent.class, ScheduleHandler.Summary.class})
public class ScheduleHandler implements RequestHandler<ScheduledEvent, ScheduleHandler.Summary> {
  private static final Logger LOG = Logger.getLogger(ScheduleHandler.class);

  @Inject LifecycleEvents lifecycle;
  @Inject PeriodClosing closing;
  @Inject AuditSealer sealer;
  @Inject CrmPushes crm;
  @Inject ReconciliationScheduling reconciliations;
  @Inject TenantStore tenants;

  /**
   * What the run did: each event as "type id", each digest as "tenant hour part/parts", each CRM
   * push as "tenant customer", each reconciliation queued as "tenant day", and each failure.
   */
  public record Summary(
      List<String> fired,
      List<String> sealed,
      List<String> pushed,
      List<String> reconciling,
      List<String> failures) {}

  @Override
  public Summary handleRequest(ScheduledEvent tick, Context context) {
    ScheduledRun run = lifecycle.fireDue().and(closing.fireDue());
    for (Event event : run.fired()) {
      LOG.infof("fired %s %s for tenant %s", event.type().wireName(), event.id(), event.tenantId());
    }
    run.failures().forEach(failure -> LOG.errorf("failed and stays due: %s", failure));
    AuditSealer.SealRun seals = sealer.sealDue();
    seals
        .failures()
        .forEach(failure -> LOG.errorf("audit sealing failed and stays due: %s", failure));
    List<String> tenantIds = Page.all(tenants::tenants).stream().map(Tenant::id).toList();
    CrmPushes.DailyRun pushes = crm.daily(tenantIds);
    pushes.failures().forEach(failure -> LOG.errorf("failed and stays due: %s", failure));
    ReconciliationScheduling.DailyRun reconciling = reconciliations.daily(tenantIds);
    reconciling.queued().forEach(queued -> LOG.infof("queued the reconciliation of %s", queued));
    reconciling.failures().forEach(failure -> LOG.errorf("failed and stays due: %s", failure));
    List<String> failures = new ArrayList<>(run.failures());
    failures.addAll(seals.failures());
    failures.addAll(pushes.failures());
    failures.addAll(reconciling.failures());
    return new Summary(
        run.fired().stream().map(e -> e.type().wireName() + " " + e.id()).toList(),
        seals.sealed(),
        pushes.pushed(),
        reconciling.queued(),
        failures);
  }
}
