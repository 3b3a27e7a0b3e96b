package sh.kaiten.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import sh.kaiten.admin.AdminViews.ListView;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.domain.usage.UsageViews.HistoryFilter;
import sh.kaiten.http.CurrentCaller;

/**
 * The period totals of an instance's counters, or of a license's pool (admin token), page by page:
 * {@code {"items":[...],"next_cursor":...}}, as every list.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class UsageHistoryResource {
  @Inject UsageViews views;
  @Inject CurrentCaller caller;

  @GET
  @Path("/instances/{id}/usage/history")
  public ListView<UsageHistoryView> instanceHistory(
      @PathParam("id") String id,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    caller.token().requireAdmin(); // who may ask comes before what is asked
    return ListView.of(
        views.instanceHistory(
            caller.token(), id, filter(entitlement, from, to), QueryParams.page(cursor, limit)),
        UsageHistoryView::of);
  }

  @GET
  @Path("/licenses/{id}/usage/history")
  public ListView<UsageHistoryView> licenseHistory(
      @PathParam("id") String id,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    caller.token().requireAdmin();
    return ListView.of(
        views.licenseHistory(
            caller.token(), id, filter(entitlement, from, to), QueryParams.page(cursor, limit)),
        UsageHistoryView::of);
  }

  private static HistoryFilter filter(String entitlement, String from, String to) {
    return new HistoryFilter(
        entitlement == null || entitlement.isBlank() ? null : entitlement,
        QueryParams.instant("from", from, false),
        QueryParams.instant("to", to, false));
  }
}
