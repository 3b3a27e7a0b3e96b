package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.paging.Page;

/**
 * Use case: who is close to a limit. Every instance of the tenant whose usage of a limited NUMERIC
 * entitlement is at or above a percentage of its limit, as the API's usage answer gives it (its
 * {@code percentage_used}), highest first: the answer to "who should sales call today".
 *
 * <p>It walks every instance and license of the tenant and reads their counters together (100 keys
 * a request): fine for a person's page over thousands of instances; a tenant with far more would
 * want the counters' crossings (the thresholds queue) kept as an index instead.
 */
public final class NearLimits {
  /** The highest percentage asked for: ten times a limit is far past any SOFT overage. */
  public static final BigDecimal MAX_PERCENT = new BigDecimal("1000");

  private final Definitions definitions;
  private final LicenseStore licenses;
  private final InstanceStore instances;
  private final EntitlementQueries queries;
  private final Clock clock;

  public NearLimits(
      Definitions definitions,
      LicenseStore licenses,
      InstanceStore instances,
      EntitlementQueries queries,
      Clock clock) {
    this.definitions = definitions;
    this.licenses = licenses;
    this.instances = instances;
    this.queries = queries;
    this.clock = clock;
  }

  /** One instance's standing on one entitlement, with the license it is on. */
  public record Standing(Instance instance, License license, UsageState usage) {}

  /**
   * @param percent from 0 to {@link #MAX_PERCENT}
   * @return the standings at or above it, by {@code percentage_used} descending, then instance id
   *     and entitlement
   */
  public List<Standing> atOrAbove(ApiToken caller, BigDecimal percent) {
    caller.requireAdmin();
    if (percent == null || percent.signum() < 0 || percent.compareTo(MAX_PERCENT) > 0) {
      throw new InvalidInputException(
          "percent", "percent must be a number from 0 to " + MAX_PERCENT);
    }
    String tenantId = caller.tenantId();
    Instant now = clock.instant();
    List<Entitlement> metered =
        definitions.listEntitlements(tenantId).stream().filter(Entitlement::isMetered).toList();
    if (metered.isEmpty()) {
      return List.of();
    }
    Map<String, License> byId = new HashMap<>();
    Page.all(request -> licenses.licenses(tenantId, request))
        .forEach(license -> byId.put(license.id(), license));
    Map<String, Optional<Tier>> tiers = new HashMap<>();
    List<InstanceContext> contexts = new ArrayList<>();
    for (Instance instance : Page.all(request -> instances.instances(tenantId, request))) {
      License license = byId.get(instance.licenseId());
      if (license == null || license.inactiveReason(now).isPresent()) {
        continue; // a license that grants nothing has no limit to be near
      }
      Tier tier =
          tiers
              .computeIfAbsent(license.tier(), slug -> definitions.findTier(tenantId, slug))
              .orElse(null);
      contexts.add(new InstanceContext(tenantId, instance, license, tier));
    }
    List<List<InstanceEntitlement>> evaluated = queries.evaluate(contexts, metered, Map.of(), now);
    List<Standing> found = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      InstanceContext context = contexts.get(i);
      for (InstanceEntitlement entitlement : evaluated.get(i)) {
        UsageState usage = entitlement.usage();
        if (entitlement.evaluation().enabled()
            && usage.percentageUsed() != null
            && usage.percentageUsed().compareTo(percent) >= 0) {
          found.add(new Standing(context.instance(), context.license(), usage));
        }
      }
    }
    found.sort(
        Comparator.comparing((Standing s) -> s.usage().percentageUsed())
            .reversed()
            .thenComparing(s -> s.instance().id())
            .thenComparing(s -> s.usage().entitlement()));
    return found;
  }
}
