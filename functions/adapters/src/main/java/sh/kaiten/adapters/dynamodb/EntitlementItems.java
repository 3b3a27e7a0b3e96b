package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** An entitlement as a Catalog item ({@code sk = ENTITLEMENT#{slug}}) and back. */
final class EntitlementItems {
  private EntitlementItems() {}

  static String sk(String slug) {
    return Keys.ENTITLEMENT + slug;
  }

  /** The item's fields; a null value is a field the entitlement does not have. */
  static Map<String, AttributeValue> fields(Entitlement entitlement) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("slug", s(entitlement.slug()));
    fields.put("name", s(entitlement.name()));
    fields.put("type", s(entitlement.type().name()));
    Metering metering = entitlement.metering();
    if (metering != null) {
      fields.put("aggregation", s(metering.aggregation().name()));
      fields.put("reset", s(metering.reset().name()));
      fields.put("reset_anchor", s(metering.resetAnchor().name()));
      fields.put("scope", s(metering.scope().name()));
      fields.put("enforcement", s(metering.enforcement().name()));
      fields.put(
          "thresholds",
          AttributeValue.fromL(metering.thresholds().stream().map(t -> n(t)).toList()));
      fields.put(
          "overage_percent",
          metering.overagePercent() == null ? null : n(metering.overagePercent()));
      fields.put("unit", metering.unit() == null ? null : s(metering.unit()));
      fields.put("shards", n(metering.shards()));
    }
    fields.put(
        "config_schema",
        entitlement.configSchema() == null ? null : Attributes.json(entitlement.configSchema()));
    fields.put("created_at", instant(entitlement.createdAt()));
    fields.put(CatalogItems.UPDATED_AT, instant(entitlement.updatedAt()));
    return fields;
  }

  static Entitlement entitlement(Map<String, AttributeValue> item) {
    EntitlementType type = EntitlementType.valueOf(string(item, "type"));
    Metering metering =
        type != EntitlementType.NUMERIC
            ? null
            : new Metering(
                Aggregation.valueOf(string(item, "aggregation")),
                Reset.valueOf(string(item, "reset")),
                ResetAnchor.valueOf(string(item, "reset_anchor")),
                MeterScope.valueOf(string(item, "scope")),
                Enforcement.valueOf(string(item, "enforcement")),
                Attributes.decimal(item, "overage_percent"),
                Attributes.integers(item, "thresholds"),
                string(item, "unit"),
                item.containsKey("shards")
                    ? Attributes.decimal(item, "shards").intValueExact()
                    : 1);
    return new Entitlement(
        string(item, "slug"),
        string(item, "name"),
        type,
        metering,
        Attributes.json(item, "config_schema"),
        instant(item, "created_at"),
        CatalogItems.updatedAt(item));
  }
}
