package sh.kaiten.domain.usage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.paging.ExportRange;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use case: usage for billing and sales (admin token). The totals of the periods an instance's or a
 * license's counters kept, page by page, and every period total of the tenant in a time range for a
 * billing export.
 *
 * <p>A license's history lists its pool: the counters of its LICENSE-scoped entitlements. The
 * counters of INSTANCE-scoped entitlements belong to each instance and are listed under it (its
 * history, and the export, which names every holder), never summed here: a sum of MAX or LATEST
 * counters would mean nothing, and a bill can sum the export's rows where it means something.
 *
 * <p>Longer than most classes here: an instance's history, a license's and the export read the same
 * counters and periods through the same filters, which they share here.
 */
public final class UsageViews {
  /** The longest time range one export covers. */
  public static final Duration MAX_EXPORT_SPAN = Duration.ofDays(366);

  private final Definitions definitions;
  private final LicenseStore licenses;
  private final InstanceStore instances;
  private final UsageHistory history;
  private final Clock clock;

  public UsageViews(
      Definitions definitions,
      LicenseStore licenses,
      InstanceStore instances,
      UsageHistory history,
      Clock clock) {
    this.definitions = definitions;
    this.licenses = licenses;
    this.instances = instances;
    this.history = history;
    this.clock = clock;
  }

  /**
   * Which periods a history lists: those of one entitlement (null for every one), starting in
   * [from, to).
   *
   * @param from inclusive, null for no lower bound
   * @param to exclusive, null for no upper bound
   */
  public record HistoryFilter(String entitlement, Instant from, Instant to) {
    public HistoryFilter {
      if (from != null && to != null && !from.isBefore(to)) {
        throw new InvalidInputException("to", "to must be after from");
      }
    }
  }

  /**
   * The periods of an instance's own counters (its INSTANCE-scoped entitlements), entitlement by
   * entitlement.
   */
  public Page<PeriodUsage> instanceHistory(
      ApiToken caller, String instanceId, HistoryFilter filter, PageRequest page) {
    caller.requireAdmin();
    Instance instance =
        instances
            .findInstance(caller.tenantId(), instanceId)
            .orElseThrow(() -> new NotFoundException("instance", instanceId));
    // The license gives the phase of LICENSE_START periods; an instance always has one (deletes are
    // refused before).
    Instant licenseStart =
        licenses
            .findLicense(caller.tenantId(), instance.licenseId())
            .map(License::startsAt)
            .orElse(null);
    return history(
        caller.tenantId(),
        MeterScope.INSTANCE,
        CounterKey.instanceHolder(instanceId),
        licenseStart,
        filter,
        page);
  }

  /**
   * The periods of a license's pool (its LICENSE-scoped entitlements), entitlement by entitlement.
   */
  public Page<PeriodUsage> licenseHistory(
      ApiToken caller, String licenseId, HistoryFilter filter, PageRequest page) {
    caller.requireAdmin();
    License license =
        licenses
            .findLicense(caller.tenantId(), licenseId)
            .orElseThrow(() -> new NotFoundException("license", licenseId));
    return history(
        caller.tenantId(),
        MeterScope.LICENSE,
        CounterKey.licenseHolder(licenseId),
        license.startsAt(),
        filter,
        page);
  }

  /**
   * Every period total of the tenant whose period starts in [from, to), by entitlement (slug
   * order), holder and period. The holders are the instances and licenses that exist now: one
   * counter read per entitlement and holder (see docs/api.md for the cost).
   */
  public List<PeriodUsage> export(ApiToken caller, Instant from, Instant to) {
    caller.requireAdmin();
    ExportRange.check(from, to, MAX_EXPORT_SPAN, "an export");
    String tenantId = caller.tenantId();
    Instant now = clock.instant();
    List<Entitlement> metered = metered(tenantId);
    if (metered.isEmpty()) {
      return List.of();
    }
    List<License> licenses = Page.all(request -> this.licenses.licenses(tenantId, request));
    List<Instance> instances =
        metered.stream().anyMatch(e -> e.metering().scope() == MeterScope.INSTANCE)
            ? Page.all(request -> this.instances.instances(tenantId, request))
            : List.of();
    Map<String, Instant> starts =
        licenses.stream()
            .filter(license -> license.startsAt() != null)
            .collect(Collectors.toMap(License::id, License::startsAt));
    List<PeriodUsage> rows = new ArrayList<>();
    for (Entitlement entitlement : metered) {
      if (entitlement.metering().scope() == MeterScope.INSTANCE) {
        instances.forEach(
            instance ->
                rows.addAll(
                    all(
                        tenantId,
                        entitlement,
                        CounterKey.instanceHolder(instance.id()),
                        starts.get(instance.licenseId()),
                        from,
                        to,
                        now)));
      } else {
        licenses.forEach(
            license ->
                rows.addAll(
                    all(
                        tenantId,
                        entitlement,
                        CounterKey.licenseHolder(license.id()),
                        license.startsAt(),
                        from,
                        to,
                        now)));
      }
    }
    return rows;
  }

  private List<PeriodUsage> all(
      String tenantId,
      Entitlement entitlement,
      String holder,
      Instant licenseStart,
      Instant from,
      Instant to,
      Instant now) {
    List<PeriodUsage> rows = new ArrayList<>();
    String after = null;
    UsageHistory.Slice slice;
    do {
      slice =
          history.periods(
              tenantId,
              entitlement.slug(),
              holder,
              entitlement.metering().aggregation(),
              from,
              to,
              after,
              PageRequest.MAX_LIMIT);
      slice
          .periods()
          .forEach(period -> rows.add(usage(entitlement, holder, licenseStart, period, now)));
      after =
          slice.periods().isEmpty()
              ? null
              : slice.periods().get(slice.periods().size() - 1).period();
    } while (slice.more());
    return rows;
  }

  /**
   * One page across the holder's counters, entitlement after entitlement in slug order. The cursor
   * names the last period listed (entitlement and period), so the next page starts right after it;
   * when a page ends exactly at the end of an entitlement's periods, the next page may be empty.
   */
  private Page<PeriodUsage> history(
      String tenantId,
      MeterScope scope,
      String holder,
      Instant licenseStart,
      HistoryFilter filter,
      PageRequest page) {
    Instant now = clock.instant();
    List<Entitlement> entitlements =
        filter.entitlement() == null
            ? metered(tenantId).stream().filter(e -> e.metering().scope() == scope).toList()
            : List.of(one(tenantId, filter.entitlement(), scope));
    HistoryCursor cursor = page.cursor() == null ? null : HistoryCursor.read(page.cursor());
    List<PeriodUsage> items = new ArrayList<>();
    for (int i = 0; i < entitlements.size(); i++) {
      Entitlement entitlement = entitlements.get(i);
      String after = null;
      if (cursor != null) {
        int order = entitlement.slug().compareTo(cursor.entitlement());
        if (order < 0) {
          continue;
        }
        after = order == 0 ? cursor.period() : null;
      }
      UsageHistory.Slice slice =
          history.periods(
              tenantId,
              entitlement.slug(),
              holder,
              entitlement.metering().aggregation(),
              filter.from(),
              filter.to(),
              after,
              page.limit() - items.size());
      slice
          .periods()
          .forEach(period -> items.add(usage(entitlement, holder, licenseStart, period, now)));
      boolean full = items.size() == page.limit();
      if (slice.more() || full && i < entitlements.size() - 1) {
        String last =
            slice.periods().isEmpty()
                ? after
                : slice.periods().get(slice.periods().size() - 1).period();
        return new Page<>(items, new HistoryCursor(entitlement.slug(), last).write());
      }
      if (full) {
        break;
      }
    }
    return new Page<>(items, null);
  }

  private List<Entitlement> metered(String tenantId) {
    return definitions.listEntitlements(tenantId).stream()
        .filter(Entitlement::isMetered)
        .sorted(Comparator.comparing(Entitlement::slug))
        .toList();
  }

  /**
   * The entitlement a history is filtered on: it must be NUMERIC and metered for this kind of
   * holder.
   */
  private Entitlement one(String tenantId, String slug, MeterScope scope) {
    Entitlement entitlement =
        definitions
            .findEntitlement(tenantId, slug)
            .orElseThrow(() -> new NotFoundException("entitlement", slug));
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          "entitlement",
          "entitlement '"
              + slug
              + "' is "
              + entitlement.type()
              + "; only NUMERIC entitlements have usage");
    }
    if (entitlement.metering().scope() != scope) {
      throw new InvalidInputException(
          "entitlement",
          "entitlement '"
              + slug
              + "' is metered per "
              + entitlement.metering().scope().name().toLowerCase()
              + "; its usage is in the "
              + entitlement.metering().scope().name().toLowerCase()
              + "'s history");
    }
    return entitlement;
  }

  private static PeriodUsage usage(
      Entitlement entitlement,
      String holder,
      Instant licenseStart,
      UsageHistory.PeriodTally kept,
      Instant now) {
    Metering metering = entitlement.metering();
    Aggregation aggregation = metering.aggregation();
    Period period = Period.LIFETIME;
    if (!Period.LIFETIME.key().equals(kept.period())) {
      Instant start = Instant.parse(kept.period());
      // The period that starts there ends at the next reset after it (the phase is the license's
      // start as stored now).
      period =
          new Period(
              start,
              Periods.containing(metering.reset(), metering.resetAnchor(), licenseStart, start)
                  .end());
    }
    return new PeriodUsage(
        entitlement.slug(),
        holder,
        period,
        aggregation,
        kept.tally().value(aggregation),
        aggregation.keepsReports() ? kept.tally().count() : null,
        period.end() != null && !period.end().isAfter(now));
  }

  /** Where a history page ended: an entitlement and the key of its last period listed. */
  private record HistoryCursor(String entitlement, String period) {
    private static final String SEPARATOR = "\n";

    String write() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              ("H1" + SEPARATOR + entitlement + SEPARATOR + period)
                  .getBytes(StandardCharsets.UTF_8));
    }

    static HistoryCursor read(String cursor) {
      String[] parts;
      try {
        parts =
            new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                .split(SEPARATOR, -1);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("cursor", "cursor is not one this API gave out");
      }
      if (parts.length != 3 || !parts[0].equals("H1") || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw new InvalidInputException("cursor", "cursor is not one this API gave out");
      }
      return new HistoryCursor(parts[1], parts[2]);
    }
  }
}
