package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import sh.kaiten.console.Views.EntitlementRow;
import sh.kaiten.console.Views.Entry;
import sh.kaiten.console.Views.Gauge;
import sh.kaiten.console.Views.History;
import sh.kaiten.console.Views.InstancePage;
import sh.kaiten.console.Views.ReportRow;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.domain.usage.PeriodUsage;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.domain.usage.UsageViews.HistoryFilter;

/**
 * An instance: every entitlement as it has it now, each NUMERIC one as a gauge (the same use case
 * and reads as the API's usage answer), the periods its counters kept, and its latest usage
 * reports.
 */
@Path(Paths.ROOT + "/instances/{id}")
@Produces(MediaType.TEXT_HTML)
public class InstanceResource {
  /**
   * How far back the period history reaches (a year and a month: a year of monthly periods to
   * compare).
   */
  static final Duration HISTORY = Duration.ofDays(400);

  /** The audit records of reports a page lists (a batch's record may hold several reports). */
  static final int LATEST_REPORTS = 10;

  @Inject InstanceAdministration instances;
  @Inject EntitlementQueries queries;
  @Inject UsageViews usage;
  @Inject Auditing auditing;
  @Inject CurrentSession session;
  @Inject Pages pages;
  @Inject Clock clock;

  @GET
  public String instance(@PathParam("id") String id) {
    ApiToken caller = session.caller();
    // Another tenant's instance does not exist for this caller: a 404 before anything else is read.
    Instance instance = instances.instance(caller, PathIds.require("instance", id));
    List<InstanceEntitlement> entitlements = queries.evaluateAll(caller, instance.id());
    HistoryFilter recent = new HistoryFilter(null, clock.instant().minus(HISTORY), null);
    PageRequest periods = new PageRequest(null, PageRequest.MAX_LIMIT);
    List<PeriodUsage> kept =
        new ArrayList<>(usage.instanceHistory(caller, instance.id(), recent, periods).items());
    kept.addAll(usage.licenseHistory(caller, instance.licenseId(), recent, periods).items());
    List<ReportRow> reports =
        auditing
            .page(
                caller,
                new AuditFilter(instance.id(), null, ReportedUsage.TYPE, null, null),
                new PageRequest(null, LATEST_REPORTS))
            .items()
            .stream()
            .flatMap(record -> ReportedUsage.of(record).stream())
            .map(ReportRow::of)
            .toList();
    InstancePage page =
        new InstancePage(
            instance.id(),
            instance.name(),
            instance.licenseId(),
            Entry.of(instance.labels()),
            entitlements.stream().map(e -> EntitlementRow.of(e.evaluation())).toList(),
            entitlements.stream()
                .map(InstanceEntitlement::usage)
                .filter(Objects::nonNull)
                .map(Gauge::of)
                .toList(),
            History.of(kept),
            reports);
    return Templates.instance(pages.chrome("Instance " + instance.id()), page).render();
  }
}
