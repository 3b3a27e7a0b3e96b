package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sh.kaiten.domain.billing.MeterCheck;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterSummaryGateway;
import sh.kaiten.domain.billing.ReconciliationReport;

/**
 * A reconciliation's Stripe meters as JSON: the run's {@link MeterCheck} in its steps on the
 * billing queue ({@link SqsBillingJobs}), and the meter findings in its recorded result (the
 * DynamoDB adapter). Formulas as Stripe writes them ({@code sum}); a missing meter's id and formula
 * null.
 */
public final class ReconciliationMeters {
  private ReconciliationMeters() {}

  public static void write(ObjectNode json, MeterCheck check) {
    if (check.next() != null) {
      json.put("next", check.next());
    }
    json.put("listed", check.listed());
    ArrayNode found = json.putArray("found");
    for (MeterSummaryGateway.Meter meter : check.found()) {
      ObjectNode item = found.addObject();
      item.put("id", meter.id());
      item.put("event_name", meter.eventName());
      item.put("formula", wire(meter.formula()));
    }
    writeFindings(json.putArray("unfit"), check.unfit());
  }

  /**
   * @throws IllegalArgumentException when a field is missing or a value malformed
   */
  public static MeterCheck read(JsonNode json) {
    List<MeterSummaryGateway.Meter> found = new ArrayList<>();
    for (JsonNode item : json.path("found")) {
      found.add(
          new MeterSummaryGateway.Meter(
              SqsEvents.text(item, "id"),
              SqsEvents.text(item, "event_name"),
              formula(item.path("formula"))));
    }
    return new MeterCheck(
        json.hasNonNull("next") ? json.get("next").asText() : null,
        json.path("listed").asBoolean(),
        found,
        readFindings(json.path("unfit")));
  }

  public static void writeFindings(
      ArrayNode json, List<ReconciliationReport.MeterFinding> findings) {
    for (ReconciliationReport.MeterFinding finding : findings) {
      ObjectNode item = json.addObject();
      item.put("entitlement", finding.entitlement());
      item.put("event_name", finding.eventName());
      item.put("meter_id", finding.meterId());
      item.put("formula", wire(finding.formula()));
      ArrayNode needed = item.putArray("needed");
      finding.needed().forEach(formula -> needed.add(wire(formula)));
    }
  }

  /**
   * @throws IllegalArgumentException when a field is missing or a value malformed
   */
  public static List<ReconciliationReport.MeterFinding> readFindings(JsonNode json) {
    List<ReconciliationReport.MeterFinding> findings = new ArrayList<>();
    for (JsonNode item : json) {
      List<MeterFormula> needed = new ArrayList<>();
      item.path("needed").forEach(formula -> needed.add(formula(formula)));
      findings.add(
          new ReconciliationReport.MeterFinding(
              SqsEvents.text(item, "entitlement"),
              SqsEvents.text(item, "event_name"),
              item.hasNonNull("meter_id") ? item.get("meter_id").asText() : null,
              formula(item.path("formula")),
              needed));
    }
    return findings;
  }

  private static String wire(MeterFormula formula) {
    return formula == null ? null : formula.name().toLowerCase(Locale.ROOT);
  }

  private static MeterFormula formula(JsonNode json) {
    return json.isTextual() ? MeterFormula.valueOf(json.asText().toUpperCase(Locale.ROOT)) : null;
  }
}
