package sh.kaiten.domain.usage;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Metering;
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
  private final Definitions definitions;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final Clock clock;

  public EntitlementQueries(
      Definitions definitions, InstanceLookup instances, UsageCounters counters, Clock clock) {
    this.definitions = definitions;
    this.instances = instances;
    this.counters = counters;
    this.clock = clock;
  }

  /**
   * Every entitlement of the tenant evaluated for the instance, in slug order. The counters are
   * read with the instance and its license, in one request, all but those whose period hangs on the
   * license's start date (read together just after).
   */
  public List<InstanceEntitlement> evaluateAll(ApiToken caller, String instanceId) {
    return snapshot(caller, instanceId).entitlements();
  }

  /** The bulk evaluation with the license it was made against, for an SDK; the same reads. */
  public InstanceSnapshot snapshot(ApiToken caller, String instanceId) {
    Instant now = clock.instant();
    List<Entitlement> entitlements = definitions.listEntitlements(caller.tenantId());
    InstanceLookup.Loaded loaded = instances.load(caller, instanceId, expected(entitlements, now));
    InstanceContext context = loaded.context();
    if (namesUnlisted(context, entitlements)) {
      // Defined since the (cached) list was read: the miss reads through, and the list is read
      // again.
      unlisted(context, entitlements)
          .forEach(slug -> definitions.findEntitlement(caller.tenantId(), slug));
      entitlements = definitions.listEntitlements(caller.tenantId());
    }
    List<Evaluation> evaluations =
        entitlements.stream().map(entitlement -> context.evaluate(entitlement, now)).toList();
    Map<String, Meter> meters = new HashMap<>();
    evaluations.stream()
        .filter(e -> e.entitlement().isMetered())
        .forEach(e -> meters.put(e.entitlement().slug(), Meter.locate(context, e, now)));
    Map<CounterKey, Tally> tallies = new HashMap<>(loaded.tallies());
    Map<CounterKey, Metering> unread = new HashMap<>();
    meters.values().stream()
        .filter(meter -> !tallies.containsKey(meter.key()))
        .forEach(meter -> unread.put(meter.key(), meter.metering()));
    if (!unread.isEmpty()) {
      tallies.putAll(counters.tallies(unread));
    }
    List<InstanceEntitlement> evaluated =
        evaluations.stream()
            .map(
                evaluation -> {
                  Meter meter = meters.get(evaluation.entitlement().slug());
                  return new InstanceEntitlement(
                      evaluation, meter == null ? null : meter.state(tallies.get(meter.key())));
                })
            .toList();
    return new InstanceSnapshot(context.instance().id(), context.license(), evaluated, now);
  }

  private static boolean namesUnlisted(InstanceContext context, List<Entitlement> entitlements) {
    return unlisted(context, entitlements).findAny().isPresent();
  }

  /** The slugs the license's tier or overrides give a value that {@code entitlements} lacks. */
  private static Stream<String> unlisted(InstanceContext context, List<Entitlement> entitlements) {
    Set<String> listed = new HashSet<>();
    entitlements.forEach(entitlement -> listed.add(entitlement.slug()));
    Stream<String> tier =
        context.tier() == null ? Stream.empty() : context.tier().entitlements().keySet().stream();
    return Stream.concat(tier, context.license().overrides().keySet().stream())
        .filter(slug -> !listed.contains(slug))
        .distinct();
  }

  public InstanceEntitlement evaluate(ApiToken caller, String instanceId, String slug) {
    Instant now = clock.instant();
    Optional<Entitlement> known = definitions.findEntitlement(caller.tenantId(), slug);
    InstanceLookup.Loaded loaded =
        instances.load(caller, instanceId, expected(known.stream().toList(), now));
    // An unknown slug is told only once the caller may see the instance.
    Entitlement entitlement = known.orElseThrow(() -> new NotFoundException("entitlement", slug));
    return evaluate(loaded, entitlement, now);
  }

  public UsageState usage(ApiToken caller, String instanceId, String slug) {
    InstanceEntitlement evaluated = evaluate(caller, instanceId, slug);
    if (!evaluated.evaluation().entitlement().isMetered()) {
      throw new InvalidInputException(
          null,
          "entitlement '"
              + slug
              + "' is "
              + evaluated.evaluation().entitlement().type()
              + "; only NUMERIC entitlements have usage");
    }
    return evaluated.usage();
  }

  /**
   * The counters of the NUMERIC ones among {@code entitlements} that can be known before the
   * license is read.
   */
  private static InstanceLookup.ExpectedCounters expected(
      List<Entitlement> entitlements, Instant now) {
    return (tenantId, instanceId, licenseId) -> {
      Map<CounterKey, Metering> expected = new HashMap<>();
      entitlements.stream()
          .filter(Entitlement::isMetered)
          .forEach(
              entitlement ->
                  Meter.expected(tenantId, instanceId, licenseId, entitlement, now)
                      .ifPresent(key -> expected.put(key, entitlement.metering())));
      return expected;
    };
  }

  private InstanceEntitlement evaluate(
      InstanceLookup.Loaded loaded, Entitlement entitlement, Instant now) {
    Evaluation evaluation = loaded.context().evaluate(entitlement, now);
    if (!entitlement.isMetered()) {
      return new InstanceEntitlement(evaluation, null);
    }
    Meter meter = Meter.locate(loaded.context(), evaluation, now);
    Tally tally = loaded.tallies().get(meter.key());
    return new InstanceEntitlement(
        evaluation,
        meter.state(tally != null ? tally : counters.tally(meter.key(), meter.metering())));
  }
}
