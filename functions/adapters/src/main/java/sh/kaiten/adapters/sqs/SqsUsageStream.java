package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.billing.UsageStream;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The billing queue: what one write counted, per message {@code {"id","tenant_id","instance_id",
 * "counted_at","reports":[{"report_id","entitlement","value","reported_at"}]}}; a report of a MAX,
 * MIN, AVERAGE or LATEST counter also carries where it left the counter: {@code "period_value"} and
 * its period's {@code "period_start"} and {@code "period_end"} (absent for a lifetime counter).
 * Messages written before {@code counted_at} and the standing were carried are read without them.
 * Values travel as JSON strings of their decimal, so no digit is lost to a double. At most 100
 * reports a message (one audit record's), well inside SQS's 256 KB.
 */
public final class SqsUsageStream implements UsageStream {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsUsageStream(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void publish(AcceptedUsage usage) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(toJson(usage)));
  }

  public static String toJson(AcceptedUsage usage) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", usage.id());
    body.put("tenant_id", usage.tenantId());
    body.put("instance_id", usage.instanceId());
    if (usage.countedAt() != null) {
      body.put("counted_at", usage.countedAt().toString());
    }
    ArrayNode reports = body.putArray("reports");
    for (AcceptedReport report : usage.reports()) {
      ObjectNode one = reports.addObject();
      one.put("report_id", report.reportId());
      one.put("entitlement", report.entitlement());
      one.put("value", report.value().toPlainString());
      one.put("reported_at", report.reportedAt().toString());
      AcceptedReport.Standing standing = report.standing();
      if (standing != null) {
        one.put("period_value", standing.periodValue().toPlainString());
        if (standing.periodStart() != null) {
          one.put("period_start", standing.periodStart().toString());
        }
        if (standing.periodEnd() != null) {
          one.put("period_end", standing.periodEnd().toString());
        }
      }
    }
    return body.toString();
  }

  public static AcceptedUsage fromJson(JsonNode body) {
    String tenant = SqsEvents.text(body, "tenant_id");
    JsonNode reports = body.get("reports");
    if (reports == null || !reports.isArray()) {
      throw new IllegalArgumentException("reports must be an array");
    }
    List<AcceptedReport> parsed = new ArrayList<>(reports.size());
    for (JsonNode report : reports) {
      try {
        parsed.add(
            new AcceptedReport(
                tenant,
                SqsEvents.text(report, "report_id"),
                SqsEvents.text(report, "entitlement"),
                new BigDecimal(SqsEvents.text(report, "value")),
                Instant.parse(SqsEvents.text(report, "reported_at")),
                standing(report)));
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException("a report's value or time is malformed: " + e);
      }
    }
    try {
      return new AcceptedUsage(
          SqsEvents.text(body, "id"),
          tenant,
          SqsEvents.text(body, "instance_id"),
          parsed,
          instant(body, "counted_at"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("counted_at is malformed: " + e);
    }
  }

  private static AcceptedReport.Standing standing(JsonNode report) {
    if (!report.hasNonNull("period_value")) {
      return null;
    }
    return new AcceptedReport.Standing(
        new BigDecimal(SqsEvents.text(report, "period_value")),
        instant(report, "period_start"),
        instant(report, "period_end"));
  }

  private static Instant instant(JsonNode node, String field) {
    return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : null;
  }
}
