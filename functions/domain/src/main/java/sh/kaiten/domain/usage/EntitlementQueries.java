package sh.kaiten.domain.usage;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.License;
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
    List<InstanceEntitlement> evaluated =
        evaluate(List.of(context), entitlements, loaded.tallies(), now).get(0);
    return new InstanceSnapshot(context.instance().id(), context.license(), evaluated, now);
  }

  /**
   * What every entitlement of the tenant is for each of {@code instances} (all on the license
   * {@code before}) as the license stands, and what it would be were the license {@code after}: the
   * same evaluation and counters as {@link #evaluateAll}, every counter read in one request.
   * Nothing is written.
   */
  public List<InstanceComparison> compare(
      ApiToken caller, License before, License after, List<Instance> instances) {
    caller.requireAdmin();
    if (!before.id().equals(after.id())) {
      throw new IllegalArgumentException("a change compares one license with itself");
    }
    Instant now = clock.instant();
    String tenantId = caller.tenantId();
    List<Entitlement> entitlements = definitions.listEntitlements(tenantId);
    Tier tierBefore = definitions.findTier(tenantId, before.tier()).orElse(null);
    Tier tierAfter =
        after.tier().equals(before.tier())
            ? tierBefore
            : definitions.findTier(tenantId, after.tier()).orElse(null);
    List<InstanceContext> contexts = new ArrayList<>();
    for (Instance instance : instances) {
      if (!instance.licenseId().equals(before.id())) {
        throw new IllegalArgumentException(
            "instance '" + instance.id() + "' is not on license '" + before.id() + "'");
      }
      contexts.add(new InstanceContext(tenantId, instance, before, tierBefore));
      contexts.add(new InstanceContext(tenantId, instance, after, tierAfter));
    }
    List<List<InstanceEntitlement>> evaluated = evaluate(contexts, entitlements, Map.of(), now);
    List<InstanceComparison> compared = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      List<InstanceEntitlement> was = evaluated.get(2 * i);
      List<InstanceEntitlement> would = evaluated.get(2 * i + 1);
      List<EntitlementComparison> entries = new ArrayList<>();
      for (int e = 0; e < was.size(); e++) {
        entries.add(new EntitlementComparison(was.get(e), would.get(e)));
      }
      compared.add(new InstanceComparison(instances.get(i), entries));
    }
    return compared;
  }

  /**
   * {@code entitlements} evaluated in each context, NUMERIC ones with their usage: the counters not
   * among {@code known} are read together, in one request.
   */
  List<List<InstanceEntitlement>> evaluate(
      List<InstanceContext> contexts,
      List<Entitlement> entitlements,
      Map<CounterKey, Tally> known,
      Instant now) {
    List<List<Evaluation>> evaluations = new ArrayList<>();
    List<Map<String, Meter>> meters = new ArrayList<>();
    Map<CounterKey, Metering> unread = new HashMap<>();
    for (InstanceContext context : contexts) {
      List<Evaluation> evaluated =
          entitlements.stream().map(entitlement -> context.evaluate(entitlement, now)).toList();
      Map<String, Meter> located = new HashMap<>();
      evaluated.stream()
          .filter(e -> e.entitlement().isMetered())
          .forEach(e -> located.put(e.entitlement().slug(), Meter.locate(context, e, now)));
      located.values().stream()
          .filter(meter -> !known.containsKey(meter.key()))
          .forEach(meter -> unread.put(meter.key(), meter.metering()));
      evaluations.add(evaluated);
      meters.add(located);
    }
    Map<CounterKey, Tally> tallies = new HashMap<>(known);
    if (!unread.isEmpty()) {
      tallies.putAll(counters.tallies(unread));
    }
    List<List<InstanceEntitlement>> answers = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      Map<String, Meter> located = meters.get(i);
      answers.add(
          evaluations.get(i).stream()
              .map(
                  evaluation -> {
                    Meter meter = located.get(evaluation.entitlement().slug());
                    return new InstanceEntitlement(
                        evaluation, meter == null ? null : meter.state(tallies.get(meter.key())));
                  })
              .toList());
    }
    return answers;
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
