package sh.kaiten.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.JsonSettings;

/**
 * Billing exports for a time range (admin token), NDJSON (one object per line) or CSV with a header
 * row. {@code kind=periods} (the default): every period total of the tenant whose period starts in
 * [from, to). {@code kind=reports}: every usage report answered in [from, to), from the audit
 * trail, newest first, one page of audit records an answer; a {@code Link: <...>; rel="next"}
 * header gives the rest.
 */
@Path("/api/usage/export")
public class UsageExportResource {
  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";

  /**
   * Audit records per answer: a batch's record holds up to 100 reports, so an answer stays under
   * Lambda's 6 MB.
   */
  static final int RECORDS_PER_ANSWER = PageRequest.MAX_LIMIT;

  static final List<String> REPORT_COLUMNS =
      List.of(
          "audit_id",
          "received_at",
          "instance_id",
          "entitlement",
          "value",
          "timestamp",
          "idempotency_key",
          "status",
          "current_usage",
          "replayed",
          "actor",
          "request_id",
          "lease_id",
          "reports");

  @Inject UsageViews views;
  @Inject Auditing auditing;
  @Inject CurrentCaller caller;
  @Inject JsonSettings json;
  @Context UriInfo uri;

  @GET
  @APIResponse(
      responseCode = "200",
      description =
          "NDJSON, one object per line (a period total; a report with kind=reports), or CSV",
      content = {
        @Content(
            mediaType = NDJSON,
            schema = @Schema(anyOf = {UsageHistoryView.class, ReportRow.class})),
        @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))
      })
  public Response export(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("format") String format,
      @QueryParam("kind") String kind,
      @QueryParam("cursor") String cursor) {
    caller.token().requireAdmin(); // who may ask comes before what is asked
    boolean csv = csv(format);
    String chosen = kind == null || kind.isBlank() ? "periods" : kind;
    if (chosen.equals("periods")) {
      List<UsageHistoryView> rows =
          views
              .export(
                  caller.token(),
                  QueryParams.instant("from", from, true),
                  QueryParams.instant("to", to, true))
              .stream()
              .map(UsageHistoryView::of)
              .toList();
      return answer(
              csv,
              "usage.csv",
              UsageHistoryView.COLUMNS,
              rows,
              UsageHistoryView::cells,
              UsageHistoryView.class)
          .build();
    }
    if (!chosen.equals("reports")) {
      throw new InvalidInputException("kind", "kind must be periods or reports");
    }
    Page<ReportedUsage> page =
        auditing.reports(
            caller.token(),
            QueryParams.instant("from", from, true),
            QueryParams.instant("to", to, true),
            PageRequest.of(cursor, RECORDS_PER_ANSWER));
    Response.ResponseBuilder answer =
        answer(
            csv,
            "usage-reports.csv",
            REPORT_COLUMNS,
            page.items().stream().map(ReportRow::of).toList(),
            ReportRow::cells,
            ReportRow.class);
    if (page.nextCursor() != null) {
      answer.link(
          uri.getRequestUriBuilder().replaceQueryParam("cursor", page.nextCursor()).build(),
          "next");
    }
    return answer.build();
  }

  private static boolean csv(String format) {
    String chosen = format == null || format.isBlank() ? "ndjson" : format;
    if (!chosen.equals("ndjson") && !chosen.equals("csv")) {
      throw new InvalidInputException("format", "format must be ndjson or csv");
    }
    return chosen.equals("csv");
  }

  private <T> Response.ResponseBuilder answer(
      boolean csv,
      String filename,
      List<String> columns,
      List<T> rows,
      Function<T, List<String>> cells,
      Class<T> type) {
    StringBuilder body = new StringBuilder();
    if (csv) {
      body.append(Csv.row(columns));
      rows.forEach(row -> body.append(Csv.row(cells.apply(row))));
      return Response.ok(body.toString(), CSV + "; charset=utf-8")
          .header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    }
    ObjectMapper mapper = json.getContext(type);
    for (T row : rows) {
      try {
        body.append(mapper.writeValueAsString(row)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("an export row could not be written as JSON", e);
      }
    }
    return Response.ok(body.toString(), NDJSON);
  }

  /** A report as exported: the columns of {@link #REPORT_COLUMNS}. */
  @RegisterForReflection
  record ReportRow(
      String auditId,
      String receivedAt,
      String instanceId,
      String entitlement,
      BigDecimal value,
      String timestamp,
      String idempotencyKey,
      String status,
      BigDecimal currentUsage,
      boolean replayed,
      String actor,
      String requestId,
      String leaseId,
      long reports) {
    static ReportRow of(ReportedUsage report) {
      return new ReportRow(
          report.auditId(),
          report.receivedAt().toString(),
          report.instanceId(),
          report.entitlement(),
          report.value(),
          report.timestamp() == null ? null : report.timestamp().toString(),
          report.idempotencyKey(),
          report.status(),
          report.currentUsage(),
          report.replayed(),
          report.actor(),
          report.requestId(),
          report.leaseId(),
          report.reports());
    }

    List<String> cells() {
      return Arrays.asList(
          auditId,
          receivedAt,
          instanceId,
          entitlement,
          plain(value),
          timestamp,
          idempotencyKey,
          status,
          plain(currentUsage),
          Boolean.toString(replayed),
          actor,
          requestId,
          leaseId,
          Long.toString(reports));
    }

    private static String plain(BigDecimal number) {
      return number == null ? null : number.toPlainString();
    }
  }
}
