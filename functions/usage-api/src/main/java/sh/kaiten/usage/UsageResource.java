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
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.usage.BatchResult;
import sh.kaiten.domain.usage.CheckTallies;
import sh.kaiten.domain.usage.ReportResult;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.Problems;
import sh.kaiten.http.views.UsageView;

/** The write path: instances report what they used. */
@Path("/api/instances/{id}/usage")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  /** A batch's reports and its tallies each get half of the one audit write (10 records each at most, in fact). */
  static final int RECORDS_EACH = AuditLog.MAX_RECORDS_PER_WRITE / 2;

  @Inject UsageReporting reporting;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;

  /**
   * Counts one report and answers the usage state after it; REJECTED reports are answered, not
   * counted. The idempotency key comes in the body or the {@code Idempotency-Key} header; a replay
   * answers the first result with {@code Idempotent-Replayed: true}.
   */
  @POST
  @Audited(AuditTrail.REPORTED)
  public Response report(
      @PathParam("id") String instanceId, @HeaderParam(IDEMPOTENCY_KEY) String headerKey, ReportRequest request) {
    if (request == null) {
      throw new InvalidInputException(null, "a JSON body {\"entitlement_slug\": ..., \"value\": ...} is required");
    }
    String key = request.idempotencyKey();
    if (headerKey != null && key != null && !headerKey.equals(key)) {
      throw new InvalidInputException("idempotency_key", "the Idempotency-Key header and idempotency_key differ");
    }
    ReportRequest keyed = new ReportRequest(
        request.entitlementSlug(), request.value(), request.timestamp(), key != null ? key : headerKey);
    ReportResult result = reporting.report(caller.token(), instanceId, keyed.toReport());
    UsageView view = UsageView.of(result.state(), result.reason());
    audit.record(AuditTrail.REPORTED, instanceId, List.of(keyed.entitlementSlug()), keyed, outcome(view, result.replayed()));
    Response.ResponseBuilder answer = Response.ok(view);
    if (result.replayed()) {
      answer.header(REPLAYED, "true");
    }
    return answer.build();
  }

  /**
   * Up to 1000 reports, each decided on its own: one result per event, in order. With {@code checks},
   * the tallies of the SDK's own checks go into the audit trail (as {@value AuditTrail#CHECKED}
   * records), in the same write as the reports' records; then {@code events} may be empty or left out.
   * Delivery of tallies is at least once: an SDK that lost the answer sends the batch again with the
   * same {@code checks.id}, and the tallies are recorded again under it, so a reader drops repeats by
   * that id.
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
    List<BatchResult> results = reporting.reportAll(
        caller.token(), instanceId, events.stream().map(e -> e == null ? null : e.toReport()).toList(), checks);
    List<BatchItemView> views = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      BatchResult result = results.get(i);
      views.add(result.error() != null
          ? new BatchItemView(i, null, null, Problems.body(result.error()))
          : new BatchItemView(i, UsageView.of(result.result().state(), result.result().reason()),
              result.result().replayed(), null));
    }
    recordBatch(instanceId, events, views);
    if (checks == null) {
      return new BatchView(views, null);
    }
    recordChecks(instanceId, batch.checks(), checks);
    return new BatchView(views, new ChecksView(checks.id(), checks.tallies().size()));
  }

  /**
   * A batch goes into the trail in slices: each record holds its events as they came (the same fields
   * as a single report's record) and, in the same order, what each came to.
   */
  private void recordBatch(String instanceId, List<ReportRequest> events, List<BatchItemView> views) {
    if (events.isEmpty()) {
      return; // a batch of tallies only
    }
    List<Integer> indexes = IntStream.range(0, events.size()).boxed().toList();
    for (List<Integer> slice : AuditTrail.slices(indexes, RECORDS_EACH)) {
      List<ReportRequest> sliced = events.subList(slice.get(0), slice.get(0) + slice.size());
      List<Map<String, Object>> results = new ArrayList<>(slice.size());
      for (int i : slice) {
        BatchItemView view = views.get(i);
        Map<String, Object> result = view.result() != null ? outcome(view.result(), view.replayed()) : new LinkedHashMap<>();
        if (view.error() != null) {
          result.put("error", view.error().path("detail").asText(view.error().path("title").asText()));
        }
        result.put("index", i);
        results.add(result);
      }
      List<String> slugs = sliced.stream().filter(event -> event != null && event.entitlementSlug() != null)
          .map(ReportRequest::entitlementSlug).toList();
      audit.record(AuditTrail.REPORTED, instanceId, slugs, Map.of("first_index", slice.get(0), "events", sliced),
          Map.of("results", results));
    }
  }

  /**
   * The tallies go into the trail in slices too: each record holds its tallies as they came, under the
   * batch's checks id, and what they add up to; its entitlements are the slugs the slice checked.
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
      audit.record(AuditTrail.CHECKED, instanceId,
          sent.tallies().subList(from, to).stream().map(ReportRequest.Checks.Tally::entitlement).toList(), request, result);
    }
  }

  private static Map<String, Object> outcome(UsageView view, Boolean replayed) {
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("status", view.status());
    outcome.put("current_usage", view.currentUsage());
    outcome.put("limit", view.limit());
    outcome.put("reason", view.reason());
    outcome.put("replayed", Boolean.TRUE.equals(replayed));
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
  public record BatchView(List<BatchItemView> results, @JsonInclude(JsonInclude.Include.NON_NULL) ChecksView checks) {}

  /** {@code {"id": "chk-...", "tallies": 1000}}. */
  @RegisterForReflection
  public record ChecksView(String id, int tallies) {}
}
