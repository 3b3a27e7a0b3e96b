package sh.kaiten.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.JsonSettings;

/**
 * Every period total of the tenant whose period starts in [from, to), for billing (admin token):
 * NDJSON, one object per line as the usage views show it, or CSV with a header row.
 */
@Path("/api/usage/export")
public class UsageExportResource {
  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";

  @Inject UsageViews views;
  @Inject CurrentCaller caller;
  @Inject JsonSettings json;

  @GET
  public Response export(@QueryParam("from") String from, @QueryParam("to") String to,
      @QueryParam("format") String format) {
    caller.token().requireAdmin(); // who may ask comes before what is asked
    String chosen = format == null || format.isBlank() ? "ndjson" : format;
    if (!chosen.equals("ndjson") && !chosen.equals("csv")) {
      throw new InvalidInputException("format", "format must be ndjson or csv");
    }
    Instant start = QueryParams.instant("from", from, true);
    Instant end = QueryParams.instant("to", to, true);
    List<UsageHistoryView> rows = views.export(caller.token(), start, end).stream().map(UsageHistoryView::of).toList();
    StringBuilder body = new StringBuilder();
    if (chosen.equals("csv")) {
      body.append(Csv.row(UsageHistoryView.COLUMNS));
      rows.forEach(row -> body.append(Csv.row(row.cells())));
      return Response.ok(body.toString(), CSV + "; charset=utf-8")
          .header("Content-Disposition", "attachment; filename=\"usage.csv\"").build();
    }
    ObjectMapper mapper = json.getContext(UsageHistoryView.class);
    for (UsageHistoryView row : rows) {
      try {
        body.append(mapper.writeValueAsString(row)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a usage row could not be written as JSON", e);
      }
    }
    return Response.ok(body.toString(), NDJSON).build();
  }
}
