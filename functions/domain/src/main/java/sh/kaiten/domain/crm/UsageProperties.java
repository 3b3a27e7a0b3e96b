package sh.kaiten.domain.crm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.metering.UsageState;

/**
 * The body of one CRM push: a customer's usage, as {@code {"id","type","created_at","data"}} like
 * every signed delivery. {@code data.properties} is flat (one value per name, names HubSpot and
 * Salesforce accept as custom properties or fields), so a receiver can hand it to a property update
 * as it is; {@code data.usage} holds every answer it was made from.
 *
 * <p>Per metered entitlement the properties take the customer's most used holder (the highest
 * percentage of its limit; among unlimited ones the highest usage): what a sales team acts on when
 * one of several instances runs out.
 */
public final class UsageProperties {
  /** The {@code type} of every push. */
  public static final String TYPE = "crm.usage_properties";

  /** Every property's name starts with this, so the CRM's own fields are never touched. */
  public static final String PREFIX = "kaiten_";

  private UsageProperties() {}

  /** One entitlement answer of one instance, on one license. */
  public record Row(License license, String instanceId, UsageState usage) {
    /** What is left before the limit (never below 0); null when unlimited. */
    public BigDecimal remaining() {
      if (usage.limit() == null) {
        return null;
      }
      BigDecimal left = usage.limit().subtract(usage.currentUsage());
      return left.signum() < 0 ? BigDecimal.ZERO : left;
    }
  }

  /**
   * @param trigger {@code daily}, or the usage event's type that caused the push
   * @param licenses the customer's licenses, in id order
   * @param rows every metered entitlement answer of their instances, in license, instance and slug
   *     order
   */
  public static String of(
      String id,
      Instant createdAt,
      String trigger,
      Customer customer,
      List<License> licenses,
      List<Row> rows) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("trigger", trigger);
    ObjectNode who = data.putObject("customer");
    who.put("id", customer.id());
    who.put("name", customer.name());
    ObjectNode metadata = who.putObject("metadata");
    new java.util.TreeMap<>(customer.metadata()).forEach(metadata::put);
    ObjectNode properties = data.putObject("properties");
    properties.put(PREFIX + "plan", joined(licenses.stream().map(License::tier).toList()));
    properties.put(
        PREFIX + "license_status",
        joined(licenses.stream().map(license -> license.status().name()).toList()));
    mostUsed(rows).forEach((slug, row) -> putProperties(properties, slug, row));
    ArrayNode usage = data.putArray("usage");
    rows.forEach(row -> usage.add(row(row)));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("id", id);
    body.put("type", TYPE);
    body.put("created_at", createdAt.toString());
    body.set("data", data);
    return body.toString();
  }

  /** The property name of an entitlement's figure: {@code kaiten_api_calls_usage_percent}. */
  public static String property(String slug, String figure) {
    return PREFIX + slug.replace('-', '_') + "_" + figure;
  }

  private static void putProperties(ObjectNode properties, String slug, Row row) {
    UsageState usage = row.usage();
    properties.put(property(slug, "usage_percent"), usage.percentageUsed());
    properties.put(property(slug, "remaining"), row.remaining());
    properties.put(property(slug, "usage"), usage.currentUsage());
    properties.put(property(slug, "limit"), usage.limit());
    properties.put(property(slug, "status"), usage.status().name());
  }

  private static ObjectNode row(Row row) {
    UsageState usage = row.usage();
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("license_id", row.license().id());
    node.put("plan", row.license().tier());
    node.put("license_status", row.license().status().name());
    node.put("instance_id", row.instanceId());
    node.put("entitlement", usage.entitlement());
    node.put("limit", usage.limit());
    node.put("current_usage", usage.currentUsage());
    node.put("percentage_used", usage.percentageUsed());
    node.put("remaining", row.remaining());
    node.put("status", usage.status().name());
    node.put("unit", usage.unit());
    node.put("period_end", usage.period().end() == null ? null : usage.period().end().toString());
    return node;
  }

  /** Per entitlement slug (in slug order), the row of its most used holder. */
  static Map<String, Row> mostUsed(List<Row> rows) {
    Comparator<Row> use =
        Comparator.comparing(
                (Row row) -> row.usage().percentageUsed(),
                Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(row -> row.usage().currentUsage());
    Map<String, Row> most = new LinkedHashMap<>();
    rows.stream()
        .sorted(Comparator.comparing(row -> row.usage().entitlement()))
        .forEach(
            row ->
                most.merge(
                    row.usage().entitlement(),
                    row,
                    (kept, other) -> use.compare(other, kept) > 0 ? other : kept));
    return most;
  }

  /** Distinct values joined by {@code ;}: HubSpot's way of writing a multi-valued property. */
  private static String joined(List<String> values) {
    Set<String> distinct = new LinkedHashSet<>(values);
    return distinct.stream().collect(Collectors.joining(";"));
  }
}
