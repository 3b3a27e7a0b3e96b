package sh.kaiten.domain.usage;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageState;

/** Use case: what may an instance do, and how much has it used. */
public final class EntitlementQueries {
  private final CatalogStore catalog;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final Clock clock;

  public EntitlementQueries(CatalogStore catalog, UsageCounters counters, Clock clock) {
    this.catalog = catalog;
    this.instances = new InstanceLookup(catalog);
    this.counters = counters;
    this.clock = clock;
  }

  /** Every entitlement of the tenant evaluated for the instance, in slug order. */
  public List<InstanceEntitlement> evaluateAll(ApiToken caller, String instanceId) {
    InstanceContext context = instances.load(caller, instanceId);
    Instant now = clock.instant();
    List<Evaluation> evaluations = catalog.listEntitlements(context.tenantId()).stream()
        .map(entitlement -> context.evaluate(entitlement, now)).toList();
    Map<String, Meter> meters = new HashMap<>();
    evaluations.stream().filter(e -> e.entitlement().isMetered())
        .forEach(e -> meters.put(e.entitlement().slug(), Meter.locate(context, e, now)));
    // One read for every counter, not one per NUMERIC entitlement.
    Map<CounterKey, Aggregation> wanted = new HashMap<>();
    meters.values().forEach(meter -> wanted.put(meter.key(), meter.aggregation()));
    Map<CounterKey, Tally> tallies = counters.tallies(wanted);
    return evaluations.stream().map(evaluation -> {
      Meter meter = meters.get(evaluation.entitlement().slug());
      return new InstanceEntitlement(evaluation,
          meter == null ? null : meter.state(tallies.getOrDefault(meter.key(), Tally.EMPTY)));
    }).toList();
  }

  public InstanceEntitlement evaluate(ApiToken caller, String instanceId, String slug) {
    InstanceContext context = instances.load(caller, instanceId);
    return evaluate(context, entitlement(context, slug), clock.instant());
  }

  public UsageState usage(ApiToken caller, String instanceId, String slug) {
    InstanceContext context = instances.load(caller, instanceId);
    Entitlement entitlement = entitlement(context, slug);
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          null, "entitlement '" + slug + "' is " + entitlement.type() + "; only NUMERIC entitlements have usage");
    }
    return evaluate(context, entitlement, clock.instant()).usage();
  }

  private Entitlement entitlement(InstanceContext context, String slug) {
    return catalog.findEntitlement(context.tenantId(), slug).orElseThrow(() -> new NotFoundException("entitlement", slug));
  }

  private InstanceEntitlement evaluate(InstanceContext context, Entitlement entitlement, Instant now) {
    Evaluation evaluation = context.evaluate(entitlement, now);
    if (!entitlement.isMetered()) {
      return new InstanceEntitlement(evaluation, null);
    }
    Meter meter = Meter.locate(context, evaluation, now);
    return new InstanceEntitlement(evaluation, meter.state(counters.tally(meter.key(), meter.aggregation())));
  }
}
