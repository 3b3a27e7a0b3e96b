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
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.BillingJobs;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * billing-sync's jobs on the billing queue, beside the counted reports ({@link SqsUsageStream}): a
 * message with a {@code job} field, {@code period_flush}, {@code backfill} or {@code
 * reconciliation} (with what it found so far: counts, a cursor, at most 25 differences and at most
 * 100 meters, so a message stays a few tens of KB whatever the tenant's size), and where the job
 * stands ({@code progress}). Values travel as strings of their decimal, as the reports' do.
 */
public final class SqsBillingJobs implements BillingJobs {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String JOB = "job";
  private static final String FLUSH = "period_flush";
  private static final String BACKFILL = "backfill";
  private static final String RECONCILIATION = "reconciliation";

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsBillingJobs(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void enqueue(BillingJob job) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(toJson(job)));
  }

  /** Whether a billing queue message is a job (else it is what a write counted). */
  public static boolean isJob(JsonNode body) {
    return body.has(JOB);
  }

  public static String toJson(BillingJob job) {
    ObjectNode body = JSON.createObjectNode();
    body.put("tenant_id", job.tenantId());
    if (job instanceof BillingJob.PeriodFlush flush) {
      body.put(JOB, FLUSH);
      body.put("holder", flush.holder());
      body.put("entitlement", flush.entitlement());
      body.put("period_start", flush.periodStart().toString());
      body.put("period_end", flush.periodEnd().toString());
      body.put("usage", flush.usage().toPlainString());
      body.put("closed_at", flush.closedAt().toString());
    } else if (job instanceof BillingJob.Backfill backfill) {
      body.put(JOB, BACKFILL);
      body.put("from", backfill.from().toString());
      body.put("to", backfill.to().toString());
    } else if (job instanceof BillingJob.Reconciliation reconciliation) {
      body.put(JOB, RECONCILIATION);
      body.put("run_id", reconciliation.runId());
      body.put("window_start", reconciliation.windowStart().toString());
      body.put("window_end", reconciliation.windowEnd().toString());
      body.put("records_to", reconciliation.recordsTo().toString());
      findings(body.putObject("findings"), reconciliation.findings());
    }
    BillingJob.Progress progress = job.progress();
    ObjectNode at = body.putObject("progress");
    if (progress.cursor() != null) {
      at.put("cursor", progress.cursor());
    }
    at.put("pages", progress.pages());
    at.put("reports", progress.reports());
    at.put("sent", progress.sent());
    at.put("already_sent", progress.alreadySent());
    return body.toString();
  }

  public static BillingJob fromJson(JsonNode body) {
    String tenant = SqsEvents.text(body, "tenant_id");
    JsonNode at = body.path("progress");
    BillingJob.Progress progress =
        new BillingJob.Progress(
            at.hasNonNull("cursor") ? at.get("cursor").asText() : null,
            at.path("pages").asInt(),
            at.path("reports").asInt(),
            at.path("sent").asInt(),
            at.path("already_sent").asInt());
    try {
      return switch (SqsEvents.text(body, JOB)) {
        case FLUSH ->
            new BillingJob.PeriodFlush(
                tenant,
                SqsEvents.text(body, "holder"),
                SqsEvents.text(body, "entitlement"),
                instant(body, "period_start"),
                instant(body, "period_end"),
                new BigDecimal(SqsEvents.text(body, "usage")),
                instant(body, "closed_at"),
                progress);
        case BACKFILL ->
            new BillingJob.Backfill(tenant, instant(body, "from"), instant(body, "to"), progress);
        case RECONCILIATION ->
            new BillingJob.Reconciliation(
                tenant,
                SqsEvents.text(body, "run_id"),
                instant(body, "window_start"),
                instant(body, "window_end"),
                instant(body, "records_to"),
                progress,
                findings(body.path("findings")));
        default -> throw new IllegalArgumentException("no such billing job: " + body.get(JOB));
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("a billing job's value or time is malformed: " + e);
    }
  }

  /**
   * What a run carries: counts, the customers' cursor, the first differences and Stripe's meters as
   * far as read, the closed periods' cursor, and the first ties of {@code last} meters.
   */
  private static void findings(ObjectNode json, BillingJob.Reconciliation.Findings findings) {
    json.put("unattributed", findings.unattributed());
    json.put("without_stripe_id", findings.withoutStripeId());
    if (findings.customers() != null) {
      json.put("customers", findings.customers());
    }
    json.put("compared", findings.compared());
    json.put("difference_count", findings.differenceCount());
    ReconciliationDifferences.write(json.putArray("differences"), findings.differences());
    if (findings.meters() != null) {
      ReconciliationMeters.write(json.putObject("meters"), findings.meters());
    }
    if (findings.closes() != null) {
      json.put("closes", findings.closes());
    }
    json.put("closes_read", findings.closesRead());
    json.put("tied_count", findings.tiedCount());
    ArrayNode tied = json.putArray("tied");
    findings.tied().forEach(tied::add);
  }

  private static BillingJob.Reconciliation.Findings findings(JsonNode json) {
    return new BillingJob.Reconciliation.Findings(
        json.path("unattributed").asInt(),
        json.path("without_stripe_id").asInt(),
        json.hasNonNull("customers") ? json.get("customers").asText() : null,
        json.path("compared").asInt(),
        json.path("difference_count").asInt(),
        ReconciliationDifferences.read(json.path("differences")),
        json.hasNonNull("meters") ? ReconciliationMeters.read(json.get("meters")) : null,
        json.hasNonNull("closes") ? json.get("closes").asText() : null,
        json.path("closes_read").asBoolean(false),
        json.path("tied_count").asInt(),
        texts(json.path("tied")));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(text -> texts.add(text.asText()));
    return texts;
  }

  private static Instant instant(JsonNode body, String field) {
    return Instant.parse(SqsEvents.text(body, field));
  }
}
