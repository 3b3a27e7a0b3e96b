package sh.kaiten.scheduler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import sh.kaiten.domain.audit.AuditSealer;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.lifecycle.LifecycleEvents;
import sh.kaiten.domain.lifecycle.LifecycleRun;

/**
 * The EventBridge schedule's target: each tick announces the license moments that fell due and
 * seals the audit trail's finished hours. A timer or a tenant that fails is logged and stays due;
 * the next tick tries it again.
 */
@RegisterForReflection(targets = {ScheduledEvent.class, LifecycleHandler.Summary.class})
public class LifecycleHandler implements RequestHandler<ScheduledEvent, LifecycleHandler.Summary> {
  private static final Logger LOG = Logger.getLogger(LifecycleHandler.class);

  @Inject LifecycleEvents lifecycle;
  @Inject AuditSealer sealer;

  /** What the run did: each event as "type id", each digest as "tenant hour part/parts", and each failure. */
  public record Summary(List<String> fired, List<String> sealed, List<String> failures) {}

  @Override
  public Summary handleRequest(ScheduledEvent tick, Context context) {
    LifecycleRun run = lifecycle.fireDue();
    for (Event event : run.fired()) {
      LOG.infof("fired %s %s for tenant %s", event.type().wireName(), event.id(), event.tenantId());
    }
    run.failures().forEach(failure -> LOG.errorf("lifecycle timer failed and stays due: %s", failure));
    AuditSealer.SealRun seals = sealer.sealDue();
    seals.failures().forEach(failure -> LOG.errorf("audit sealing failed and stays due: %s", failure));
    List<String> failures = new ArrayList<>(run.failures());
    failures.addAll(seals.failures());
    return new Summary(run.fired().stream().map(e -> e.type().wireName() + " " + e.id()).toList(), seals.sealed(),
        failures);
  }
}
