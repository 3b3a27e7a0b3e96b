package sh.kaiten.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.usage.BatchResult;
import sh.kaiten.domain.usage.CheckTallies;
import sh.kaiten.domain.usage.QuotaLeasing;
import sh.kaiten.domain.usage.ReportJournal;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.Problems;
import sh.kaiten.http.RequestJournal;
import sh.kaiten.http.views.UsageView;

/** The write path: instances report what they used. */
@Path("/api/instances/{id}/usage")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

  /**
   * A batch's reports not counted (refused, replayed, failed) and its tallies each get half of the
   * one audit write made before the answer (10 records each at most, in fact); counted reports are
   * recorded in their own writes.
   */
  static final int RECORDS_EACH = AuditLog.MAX_RECORDS_PER_WRITE / 2;

  @Inject UsageReporting reporting;
  @Inject QuotaLeasing leasing;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;
  @Inject RequestJournal journal;

  /**
   * Counts one report and answers the usage state after it; REJECTED reports are answered, not
   * counted. The idempotency key comes in the body or the {@code Idempotency-Key} header; a replay
   * answers the first result with {@code Idempotent-Replayed: true}. A counted report's audit
   * record is stored in the same transaction as its counter change; a REJECTED report's and a
   * replay's, which change nothing, before the answer leaves.
   */
  @POST
  @Audited(AuditTrail.REPORTED)
  @APIResponse(
      responseCode = "200",
      description =
          "The usage after the report (REJECTED: not counted); Idempotent-Replayed: true on a replay",
      content = @Content(schema = @Schema(implementation = UsageView.class)))
  public Response report(
      @PathParam("id") String instanceId,
      @HeaderParam(IDEMPOTENCY_KEY) String headerKey,
      ReportRequest request) {
    if (request == null) {
      throw new InvalidInputException(
          null, "a JSON body {\"entitlement_slug\": ..., \"value\": ...} is required");
    }
    String key = request.idempotencyKey();
    if (headerKey != null && key != null && !headerKey.equals(key)) {
      throw new InvalidInputException(
          "idempotency_key", "the Idempotency-Key header and idempotency_key differ");
    }
    ReportRequest keyed =
        new ReportRequest(
            request.entitlementSlug(),
            request.value(),
            request.timestamp(),
            key != null ? key : headerKey,
            request.leaseId(),
            request.reports());
    ReportJournal reportJournal =
        counted ->
            records(
                instanceId,
                counted.stream().map(one -> reportEntry(instanceId, one)).toList(),
                counted.stream().map(List::of).toList());
    // A report naming a lease settles it: its units move from the lease to the usage (see
    // LeaseResource).
    ReportResult result =
        keyed.leaseId() != null
            ? leasing.settle(caller.token(), instanceId, keyed.toReport(), reportJournal)
            : reporting.report(caller.token(), instanceId, keyed.toReport(), reportJournal);
    UsageView view = UsageView.of(result.state(), result.reason());
    if (!counted(result)) {
      audit.record(
          AuditTrail.REPORTED,
          instanceId,
          List.of(keyed.entitlementSlug()),
          request(keyed.toReport()),
          outcome(view, result.replayed()));
    }
    Response.ResponseBuilder answer = Response.ok(view);
    if (result.replayed()) {
      answer.header(REPLAYED, "true");
    }
    return answer.build();
  }

  /**
   * Up to 1000 reports, each decided on its own: one result per event, in order. With {@code
   * checks}, the tallies of the SDK's own checks go into the audit trail (as {@value
   * AuditTrail#CHECKED} records), in one write with the records of the reports not counted, before
   * the answer (counted reports are recorded in their own writes; the tallies change nothing, so a
   * failure to record them answers 500 {@code audit-not-recorded}, never "not applied"); then
   * {@code events} may be empty or left out. Delivery of tallies is at least once: an SDK that lost
   * the answer sends the batch again with the same {@code checks.id}, and the tallies are recorded
   * again under it, so a reader drops repeats by that id.
   */
  @POST
  @Path("/batch")
  @Audited(AuditTrail.REPORTED)
  public BatchView reportAll(@PathParam("id") String instanceId, ReportRequest.Batch batch) {
    if (batch == null) {
      throw new InvalidInputException("events", "a JSON body {\"events\": [...]} is required");
    }
    List<ReportRequest> events = batch.events() == null ? List.of() : batch.events();
    CheckTallies checks = batch.checks() == null ? null : batch.checks().toChecks();
    List<BatchResult> results =
        reporting.reportAll(
            caller.token(),
            instanceId,
            events.stream().map(e -> e == null ? null : e.toReport()).toList(),
            checks,
            counted -> batchRecords(instanceId, counted));
    List<BatchItemView> views = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      BatchResult result = results.get(i);
      views.add(
          result.error() != null
              ? new BatchItemView(i, null, null, Problems.body(result.error()))
              : new BatchItemView(
                  i,
                  UsageView.of(result.result().state(), result.result().reason()),
                  result.result().replayed(),
                  null));
    }
    recordBatch(instanceId, events, views, results);
    if (checks == null) {
      return new BatchView(views, null);
    }
    recordChecks(instanceId, batch.checks(), checks);
    return new BatchView(views, new ChecksView(checks.id(), checks.tallies().size()));
  }

  /** Whether a report was counted, so its record was stored with its counter change. */
  private static boolean counted(ReportResult result) {
    return result.reason() == null && !result.replayed();
  }

  /**
   * Records made for the write that counts their reports, stored in its transaction, and beside
   * each the reports it records for the billing stream, named by the record: {@code {record
   * id}/{index in the batch}}.
   *
   * @param recorded the reports of each entry, in the entries' order
   */
  private ChangeRecords records(
      String instanceId, List<AuditEntry> entries, List<List<ReportJournal.Counted>> recorded) {
    String tenantId = caller.token().tenantId();
    List<AuditRecord> records = journal.prepared(tenantId, entries);
    List<AcceptedUsage> usage = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      String id = records.get(i).id();
      usage.add(
          new AcceptedUsage(
              id,
              tenantId,
              instanceId,
              recorded.get(i).stream()
                  .map(
                      one ->
                          new AcceptedReport(
                              tenantId,
                              id + "/" + one.index(),
                              one.report().entitlementSlug(),
                              one.report().value(),
                              one.at(),
                              standing(one.result().state())))
                  .toList(),
              records.get(i).at()));
    }
    return new ChangeRecords(List.of(), records, usage);
  }

  /**
   * Where a report left a MAX, MIN, AVERAGE or LATEST counter, for the billing stream: its answer's
   * usage (a Stripe {@code last} meter takes the counter's value, not the report's); null for SUM
   * and COUNT, billed by what each report adds.
   */
  private static AcceptedReport.Standing standing(UsageState state) {
    return state.aggregation() == null || state.aggregation().addsUp()
        ? null
        : new AcceptedReport.Standing(
            state.currentUsage(), state.period().start(), state.period().end());
  }

  /** A single report's record: the report as sent and what it came to. */
  private AuditEntry reportEntry(String instanceId, ReportJournal.Counted counted) {
    UsageReport report = counted.report();
    return audit.entry(
        AuditTrail.REPORTED,
        instanceId,
        List.of(report.entitlementSlug()),
        request(report),
        outcome(UsageView.of(counted.result().state(), counted.result().reason()), false));
  }

  /**
   * A report as its record holds it: a settlement's {@code reports} only when it stands for more
   * than one.
   */
  private static ReportRequest request(UsageReport report) {
    Integer reports = report.reports() == null || report.reports() == 1 ? null : report.reports();
    return new ReportRequest(
        report.entitlementSlug(),
        report.value(),
        report.timestamp(),
        report.idempotencyKey(),
        report.leaseId(),
        reports);
  }

  /**
   * The records of a batch's reports counted in one write: slices of {@link
   * ReportJournal#REPORTS_PER_RECORD} reports, each record holding its events as they came and, in
   * the same order, what each came to with its index.
   */
  private ChangeRecords batchRecords(String instanceId, List<ReportJournal.Counted> counted) {
    List<AuditEntry> entries = new ArrayList<>();
    List<List<ReportJournal.Counted>> slices = new ArrayList<>();
    for (int from = 0; from < counted.size(); from += ReportJournal.REPORTS_PER_RECORD) {
      List<ReportJournal.Counted> slice =
          counted.subList(from, Math.min(counted.size(), from + ReportJournal.REPORTS_PER_RECORD));
      slices.add(slice);
      List<ReportRequest> sliced = slice.stream().map(one -> request(one.report())).toList();
      List<Map<String, Object>> results = new ArrayList<>(slice.size());
      for (ReportJournal.Counted one : slice) {
        Map<String, Object> result =
            outcome(UsageView.of(one.result().state(), one.result().reason()), false);
        result.put("index", one.index());
        results.add(result);
      }
      entries.add(
          audit.entry(
              AuditTrail.REPORTED,
              instanceId,
              sliced.stream().map(ReportRequest::entitlementSlug).toList(),
              Map.of("events", sliced),
              Map.of("results", results)));
    }
    return records(instanceId, entries, slices);
  }

  /**
   * The batch's reports not counted (refused, replayed, failed: they changed nothing, or may have)
   * go into the trail before the answer, in slices: each record holds its events as they came (the
   * same fields as a single report's record) and, in the same order, what each came to with its
   * index. Counted reports were recorded with their writes.
   */
  private void recordBatch(
      String instanceId,
      List<ReportRequest> events,
      List<BatchItemView> views,
      List<BatchResult> outcomes) {
    List<Integer> indexes =
        IntStream.range(0, events.size())
            .filter(i -> outcomes.get(i).result() == null || !counted(outcomes.get(i).result()))
            .boxed()
            .toList();
    if (indexes.isEmpty()) {
      return; // every report counted (or a batch of tallies only)
    }
    for (List<Integer> slice : AuditTrail.slices(indexes, RECORDS_EACH)) {
      List<ReportRequest> sliced = slice.stream().map(events::get).toList();
      List<Map<String, Object>> results = new ArrayList<>(slice.size());
      for (int i : slice) {
        BatchItemView view = views.get(i);
        Map<String, Object> result =
            view.result() != null ? outcome(view.result(), view.replayed()) : new LinkedHashMap<>();
        if (view.error() != null) {
          result.put(
              "error", view.error().path("detail").asText(view.error().path("title").asText()));
        }
        result.put("index", i);
        results.add(result);
      }
      List<String> slugs =
          sliced.stream()
              .filter(event -> event != null && event.entitlementSlug() != null)
              .map(ReportRequest::entitlementSlug)
              .toList();
      audit.record(
          AuditTrail.REPORTED,
          instanceId,
          slugs,
          Map.of("events", sliced),
          Map.of("results", results));
    }
  }

  /**
   * The tallies go into the trail in slices too: each record holds its tallies as they came, under
   * the batch's checks id, and what they add up to; its entitlements are the slugs the slice
   * checked.
   */
  private void recordChecks(String instanceId, ReportRequest.Checks sent, CheckTallies checks) {
    List<Integer> indexes = IntStream.range(0, sent.tallies().size()).boxed().toList();
    for (List<Integer> slice : AuditTrail.slices(indexes, RECORDS_EACH)) {
      int from = slice.get(0);
      int to = from + slice.size();
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("checks_id", sent.id());
      request.put("tallies", sent.tallies().subList(from, to));
      CheckTallies.Counts counts = CheckTallies.Counts.of(checks.tallies().subList(from, to));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("checks", counts.checks());
      result.put("allowed", counts.allowed());
      result.put("refused", counts.refused());
      audit.record(
          AuditTrail.CHECKED,
          instanceId,
          sent.tallies().subList(from, to).stream()
              .map(ReportRequest.Checks.Tally::entitlement)
              .toList(),
          request,
          result);
    }
  }

  private static Map<String, Object> outcome(UsageView view, Boolean replayed) {
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("status", view.status());
    outcome.put("current_usage", view.currentUsage());
    outcome.put("limit", view.limit());
    outcome.put("reason", view.reason());
    outcome.put("replayed", Boolean.TRUE.equals(replayed));
    if (view.aggregation() != null && !view.aggregation().addsUp() && view.periodEnd() != null) {
      // What a backfill needs to stamp the value it sends to a Stripe last meter as live sync did.
      outcome.put("period_start", view.periodStart());
      outcome.put("period_end", view.periodEnd());
    }
    return outcome;
  }

  /** One event's outcome: its usage answer, or the problem that kept it out. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BatchItemView(int index, UsageView result, Boolean replayed, JsonNode error) {}

  /**
   * The answer of a batch.
   *
   * @param checks only when the batch carried tallies: their id and how many were recorded
   */
  @RegisterForReflection
  public record BatchView(
      List<BatchItemView> results, @JsonInclude(JsonInclude.Include.NON_NULL) ChecksView checks) {}

  /** {@code {"id": "chk-...", "tallies": 1000}}. */
  @RegisterForReflection
  public record ChecksView(String id, int tallies) {}
}
