package sh.kaiten.domain.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One usage report as the audit trail kept it: a row of the reports export. Reports are not stored
 * anywhere else (a report is one counter write), so the trail is where billing finds them.
 *
 * @param receivedAt when the report was answered (its audit record's time)
 * @param timestamp the report's own timestamp; null when the client gave none (it counted at {@code
 *     receivedAt})
 * @param status ACCEPTED, EXCEEDED or REJECTED; a replay answers the first report's status with
 *     {@code replayed}
 * @param leaseId the lease a settlement spent; null for a plain report
 * @param reports how many reports the row stands for: 1, or a lease settlement's {@code reports}
 *     (an SDK settles the uses of a lease in one report), so counting reports sums this column, not
 *     the rows
 * @param index its place in its request: 0 for a single report, its index in a batch's events; with
 *     {@code auditId} it names the report on the billing stream ({@code auditId/index})
 * @param periodStart the start of the period its counter counted it in, kept for a MAX, MIN,
 *     AVERAGE or LATEST counter (whose Stripe meter takes {@code currentUsage}); null otherwise,
 *     for a lifetime counter, and in records written before it was kept
 * @param periodEnd that period's end, on the same terms
 */
public record ReportedUsage(
    String auditId,
    Instant receivedAt,
    String instanceId,
    String entitlement,
    BigDecimal value,
    Instant timestamp,
    String idempotencyKey,
    String status,
    BigDecimal currentUsage,
    boolean replayed,
    String actor,
    String requestId,
    String leaseId,
    long reports,
    int index,
    Instant periodStart,
    Instant periodEnd) {
  /** The audit type of usage reports, single or batched. */
  public static final String TYPE = "usage.reported";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The reports of one {@link #TYPE} record, as usage-api writes it: a single report's request and
   * result, or a batch slice's {@code events} and {@code results} matched by {@code index}. Events
   * refused as bad input (a result with an {@code error}) were never reports and are left out.
   */
  public static List<ReportedUsage> of(AuditRecord record) {
    JsonNode request = parse(record.request());
    JsonNode result = parse(record.result());
    List<ReportedUsage> reports = new ArrayList<>();
    if (!request.has("events")) {
      reports.add(report(record, request, result, 0));
      return reports;
    }
    for (int i = 0; i < request.get("events").size(); i++) {
      JsonNode outcome = result.path("results").path(i);
      if (!outcome.has("error")) {
        reports.add(
            report(record, request.get("events").get(i), outcome, outcome.path("index").asInt(i)));
      }
    }
    return reports;
  }

  private static ReportedUsage report(
      AuditRecord record, JsonNode request, JsonNode result, int index) {
    return new ReportedUsage(
        record.id(),
        record.at(),
        record.instanceId(),
        text(request, "entitlement_slug"),
        decimal(request, "value"),
        request.hasNonNull("timestamp") ? Instant.parse(request.get("timestamp").asText()) : null,
        text(request, "idempotency_key"),
        text(result, "status"),
        decimal(result, "current_usage"),
        result.path("replayed").asBoolean(false),
        record.actor(),
        record.requestId(),
        text(request, "lease_id"),
        request.path("reports").asLong(1),
        index,
        instant(result, "period_start"),
        instant(result, "period_end"));
  }

  /**
   * Whether the report was counted (so it was on the billing stream): neither REJECTED nor a replay
   * of an earlier report.
   */
  public boolean counted() {
    return !"REJECTED".equals(status) && !replayed;
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static Instant instant(JsonNode node, String field) {
    return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : null;
  }

  private static BigDecimal decimal(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).decimalValue() : null;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit record holds JSON that does not parse", e);
    }
  }
}
