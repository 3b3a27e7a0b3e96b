package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.billing.ReconciliationReport;

/**
 * A reconciliation's differences as JSON, one object each: in a run's step on the billing queue
 * ({@link SqsBillingJobs}) and in its recorded result (the DynamoDB adapter). Values as strings of
 * their decimal; null where a {@code last} meter had no event, and {@code stripe} null in results
 * recorded before a missing meter was a meter finding ({@link ReconciliationMeters}).
 */
public final class ReconciliationDifferences {
  private ReconciliationDifferences() {}

  public static void write(ArrayNode json, List<ReconciliationReport.Difference> differences) {
    for (ReconciliationReport.Difference difference : differences) {
      ObjectNode item = json.addObject();
      item.put("customer_id", difference.customerId());
      item.put("stripe_customer_id", difference.stripeCustomerId());
      item.put("entitlement", difference.entitlement());
      item.put("event_name", difference.eventName());
      item.put("kaiten", difference.kaiten() == null ? null : difference.kaiten().toPlainString());
      item.put("stripe", difference.stripe() == null ? null : difference.stripe().toPlainString());
    }
  }

  /**
   * @throws IllegalArgumentException when a field is missing or a value malformed
   */
  public static List<ReconciliationReport.Difference> read(JsonNode json) {
    List<ReconciliationReport.Difference> differences = new ArrayList<>();
    for (JsonNode item : json) {
      differences.add(
          new ReconciliationReport.Difference(
              SqsEvents.text(item, "customer_id"),
              SqsEvents.text(item, "stripe_customer_id"),
              SqsEvents.text(item, "entitlement"),
              SqsEvents.text(item, "event_name"),
              item.hasNonNull("kaiten") ? new BigDecimal(SqsEvents.text(item, "kaiten")) : null,
              item.hasNonNull("stripe") ? new BigDecimal(SqsEvents.text(item, "stripe")) : null));
    }
    return differences;
  }
}
