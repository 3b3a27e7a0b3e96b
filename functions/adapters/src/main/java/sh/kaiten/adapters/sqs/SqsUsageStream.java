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
 * "reports":[{"report_id","entitlement","value","reported_at"}]}}. Values travel as JSON strings of
 * their decimal, so no digit is lost to a double. At most 100 reports a message (one audit
 * record's), well inside SQS's 256 KB.
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
    ArrayNode reports = body.putArray("reports");
    for (AcceptedReport report : usage.reports()) {
      ObjectNode one = reports.addObject();
      one.put("report_id", report.reportId());
      one.put("entitlement", report.entitlement());
      one.put("value", report.value().toPlainString());
      one.put("reported_at", report.reportedAt().toString());
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
                Instant.parse(SqsEvents.text(report, "reported_at"))));
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException("a report's value or time is malformed: " + e);
      }
    }
    return new AcceptedUsage(
        SqsEvents.text(body, "id"), tenant, SqsEvents.text(body, "instance_id"), parsed);
  }
}
