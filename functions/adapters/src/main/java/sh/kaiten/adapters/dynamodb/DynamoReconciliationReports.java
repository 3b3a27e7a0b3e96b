package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.adapters.sqs.ReconciliationDifferences;
import sh.kaiten.adapters.sqs.ReconciliationMeters;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.SentLedger;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Reconciliation results on the Usage table, beside the tenant's Stripe activity ({@code
 * CONNECTOR_STATUS#{tenant}}): one item per run ({@code stripe_reconciliation#run#{runId}}, kept
 * {@link SentLedger#KEPT} by TTL), whose conditional put decides which delivery of a run records
 * it; in the same TransactWriteItems the tenant's latest ({@code stripe_reconciliation}) and the
 * events' outbox items. The daily mark is an item of its own ({@code stripe_reconciliation_daily}).
 * A result is kept as its JSON.
 */
public final class DynamoReconciliationReports implements ReconciliationReports {
  private static final String LATEST = "stripe_reconciliation";
  private static final String RUN = LATEST + "#run#";
  private static final String DAILY = LATEST + "_daily";
  private static final String REPORT = "report";
  private static final String DAY = "day";

  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  public DynamoReconciliationReports(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  private static Map<String, AttributeValue> key(String tenantId, String sk) {
    return Map.of(Keys.PK, s(Keys.connectorStatus(tenantId)), Keys.SK, s(sk));
  }

  @Override
  public boolean record(ReconciliationReport report, List<Event> events) {
    AttributeValue json = s(toJson(report).toString());
    Map<String, AttributeValue> run = new HashMap<>(key(report.tenantId(), RUN + report.runId()));
    run.put(REPORT, json);
    run.put("expires_at", n(report.finishedAt().plus(SentLedger.KEPT).getEpochSecond()));
    Map<String, AttributeValue> latest = new HashMap<>(key(report.tenantId(), LATEST));
    latest.put(REPORT, json);
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(run)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK)))
            .build());
    writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(latest)).build());
    writes.addAll(changes.of(new ChangeRecords(events, List.of())));
    return ChangeItems.writeUnlessFirstRefused(dynamo, writes);
  }

  @Override
  public boolean recorded(String tenantId, String runId) {
    return dynamo
        .getItem(r -> r.tableName(table).key(key(tenantId, RUN + runId)).consistentRead(true))
        .hasItem();
  }

  @Override
  public Optional<ReconciliationReport> latest(String tenantId) {
    var response =
        dynamo.getItem(r -> r.tableName(table).key(key(tenantId, LATEST)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(fromJson(tenantId, Attributes.json(response.item(), REPORT)));
  }

  @Override
  public Optional<LocalDate> dailyQueued(String tenantId) {
    var response =
        dynamo.getItem(r -> r.tableName(table).key(key(tenantId, DAILY)).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(LocalDate.parse(Attributes.string(response.item(), DAY)))
        : Optional.empty();
  }

  @Override
  public void markDailyQueued(String tenantId, LocalDate day) {
    Map<String, AttributeValue> item = new HashMap<>(key(tenantId, DAILY));
    item.put(DAY, s(day.toString()));
    dynamo.putItem(r -> r.tableName(table).item(item));
  }

  private static ObjectNode toJson(ReconciliationReport report) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("run_id", report.runId());
    json.put("window_start", report.windowStart().toString());
    json.put("window_end", report.windowEnd().toString());
    json.put("finished_at", report.finishedAt().toString());
    json.put("reports", report.reports());
    json.put("compared", report.compared());
    json.put("difference_count", report.differenceCount());
    ReconciliationDifferences.write(json.putArray("differences"), report.differences());
    ArrayNode notCompared = json.putArray("not_compared");
    report.notCompared().forEach(notCompared::add);
    ReconciliationMeters.writeFindings(json.putArray("meter_findings"), report.meterFindings());
    return json;
  }

  private static ReconciliationReport fromJson(String tenantId, JsonNode json) {
    List<String> notCompared = new ArrayList<>();
    json.path("not_compared").forEach(line -> notCompared.add(line.asText()));
    return new ReconciliationReport(
        tenantId,
        json.path("run_id").asText(),
        Instant.parse(json.path("window_start").asText()),
        Instant.parse(json.path("window_end").asText()),
        Instant.parse(json.path("finished_at").asText()),
        json.path("reports").asInt(),
        json.path("compared").asInt(),
        json.path("difference_count").asInt(),
        ReconciliationDifferences.read(json.path("differences")),
        notCompared,
        ReconciliationMeters.readFindings(json.path("meter_findings")));
  }
}
