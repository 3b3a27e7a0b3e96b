package sh.kaiten.domain.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * A catalog file (YAML or JSON, read into a tree by the caller) and the {@link Catalog} it says.
 * Reading checks the file against its published JSON Schema ({@code
 * docs/catalog/catalog.schema.json}) and then against the rules of the records; a problem is named
 * by its JSON Pointer in the file ({@code /entitlements/3/metering/aggregation}). Writing gives the
 * file of a catalog, each field spelled out, so an exported file reads back to the same catalog.
 *
 * <p>About 300 lines: reading and writing are kept side by side, field by field, because each must
 * stay the other's inverse (export → apply is a no-op plan).
 */
public final class CatalogDocument {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Schema SCHEMA =
      REGISTRY.getSchema(
          SchemaLocation.of("classpath:sh/kaiten/domain/catalog/catalog.schema.json"));
  private static final Set<String> METERING_FIELDS =
      Set.of(
          "aggregation",
          "reset",
          "reset_anchor",
          "scope",
          "enforcement",
          "overage_percent",
          "thresholds",
          "unit",
          "shards");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CatalogDocument() {}

  /**
   * The catalog a file says; InvalidInputException naming the JSON Pointer of the first problem.
   */
  public static Catalog read(JsonNode file) {
    if (file == null || !file.isObject()) {
      throw new InvalidInputException(
          "", "a catalog file is an object with entitlements and tiers");
    }
    List<Error> errors = SCHEMA.validate(file);
    if (!errors.isEmpty()) {
      Error error = errors.get(0);
      String pointer = pointer(error);
      throw new InvalidInputException(pointer, pointer + ": " + error.getMessage());
    }
    Map<String, Entitlement> entitlements = new LinkedHashMap<>();
    JsonNode listed = file.path("entitlements");
    for (int i = 0; i < listed.size(); i++) {
      String at = "/entitlements/" + i;
      Entitlement entitlement = entitlement(at, listed.get(i));
      if (entitlements.put(entitlement.slug(), entitlement) != null) {
        throw new InvalidInputException(
            at + "/slug", at + "/slug: entitlement '" + entitlement.slug() + "' is listed twice");
      }
    }
    Map<String, Tier> tiers = new LinkedHashMap<>();
    JsonNode tierList = file.path("tiers");
    for (int i = 0; i < tierList.size(); i++) {
      String at = "/tiers/" + i;
      Tier tier = tier(at, tierList.get(i), entitlements);
      if (tiers.put(tier.slug(), tier) != null) {
        throw new InvalidInputException(
            at + "/slug", at + "/slug: tier '" + tier.slug() + "' is listed twice");
      }
    }
    return new Catalog(List.copyOf(entitlements.values()), List.copyOf(tiers.values()));
  }

  private static Entitlement entitlement(String at, JsonNode node) {
    try {
      String name = Text.name("name", node.path("name").asText());
      EntitlementType type = EntitlementType.valueOf(node.path("type").asText());
      JsonNode metering = node.get("metering");
      if (metering != null && type != EntitlementType.NUMERIC) {
        throw new InvalidInputException("metering", "only NUMERIC entitlements are metered");
      }
      return new Entitlement(
          node.path("slug").asText(),
          name,
          type,
          type == EntitlementType.NUMERIC ? metering(metering) : null,
          node.get("config_schema"),
          null);
    } catch (InvalidInputException e) {
      throw at(at, e);
    }
  }

  private static Metering metering(JsonNode node) {
    if (node == null) {
      return Metering.defaults();
    }
    BigDecimal overage =
        node.hasNonNull("overage_percent")
            ? NumericContract.requirePercent(
                "overage_percent", node.get("overage_percent").decimalValue())
            : null;
    List<Integer> thresholds = null;
    if (node.has("thresholds")) {
      thresholds = new ArrayList<>();
      for (JsonNode threshold : node.get("thresholds")) {
        thresholds.add(threshold.intValue());
      }
    }
    String unit = node.hasNonNull("unit") ? node.get("unit").asText() : null;
    return new Metering(
        enumOf(Aggregation.class, node, "aggregation"),
        enumOf(Reset.class, node, "reset"),
        enumOf(ResetAnchor.class, node, "reset_anchor"),
        enumOf(MeterScope.class, node, "scope"),
        enumOf(Enforcement.class, node, "enforcement"),
        overage,
        thresholds,
        Text.line("unit", unit, Text.MAX_UNIT),
        node.path("shards").asInt(1));
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode node, String field) {
    return node.hasNonNull(field) ? Enum.valueOf(type, node.get(field).asText()) : null;
  }

  private static Tier tier(String at, JsonNode node, Map<String, Entitlement> entitlements) {
    String name;
    try {
      name = Text.name("name", node.path("name").asText());
    } catch (InvalidInputException e) {
      throw at(at, e);
    }
    Map<String, EntitlementValue> values = new LinkedHashMap<>();
    node.path("entitlements")
        .fields()
        .forEachRemaining(
            entry -> {
              String path = at + "/entitlements/" + escape(entry.getKey());
              Entitlement entitlement = entitlements.get(entry.getKey());
              if (entitlement == null) {
                throw new InvalidInputException(
                    path,
                    path + ": entitlement '" + entry.getKey() + "' is not in the catalog file");
              }
              values.put(
                  entry.getKey(), EntitlementValue.fromJson(path, entitlement, entry.getValue()));
            });
    return new Tier(node.path("slug").asText(), name, node.path("rank").intValue(), values, null);
  }

  /** A record's problem, its field placed in the file: metering settings sit under metering. */
  private static InvalidInputException at(String at, InvalidInputException e) {
    String field = e.field() == null ? "" : e.field();
    String pointer =
        field.isEmpty()
            ? at
            : METERING_FIELDS.contains(field)
                ? at + "/metering/" + field
                : field.startsWith("config_schema") ? at + "/config_schema" : at + "/" + field;
    return new InvalidInputException(pointer, pointer + ": " + e.getMessage());
  }

  /** The JSON Pointer of a schema error, down to the property a {@code required} names. */
  private static String pointer(Error error) {
    StringBuilder pointer = new StringBuilder();
    NodePath at = error.getInstanceLocation();
    for (int i = 0; i < at.getNameCount(); i++) {
      pointer.append('/').append(escape(String.valueOf(at.getElement(i))));
    }
    if (error.getProperty() != null) {
      pointer.append('/').append(escape(error.getProperty()));
    }
    return pointer.toString();
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** The file of a catalog: every field spelled out, entitlements by slug, tiers by rank. */
  public static ObjectNode write(Catalog catalog) {
    ObjectNode file = JSON.objectNode();
    ArrayNode entitlements = file.putArray("entitlements");
    catalog.entitlements().forEach(e -> entitlements.add(write(e)));
    ArrayNode tiers = file.putArray("tiers");
    catalog.tiers().forEach(t -> tiers.add(write(t)));
    return file;
  }

  public static ObjectNode write(Entitlement entitlement) {
    ObjectNode node = JSON.objectNode();
    node.put("slug", entitlement.slug());
    node.put("name", entitlement.name());
    node.put("type", entitlement.type().name());
    Metering m = entitlement.metering();
    if (m != null) {
      ObjectNode metering = node.putObject("metering");
      metering.put("aggregation", m.aggregation().name());
      metering.put("reset", m.reset().name());
      metering.put("reset_anchor", m.resetAnchor().name());
      metering.put("scope", m.scope().name());
      metering.put("enforcement", m.enforcement().name());
      if (m.overagePercent() != null) {
        metering.set("overage_percent", number(m.overagePercent()));
      }
      ArrayNode thresholds = metering.putArray("thresholds");
      m.thresholds().forEach(thresholds::add);
      if (m.unit() != null) {
        metering.put("unit", m.unit());
      }
      metering.put("shards", m.shards());
    }
    if (entitlement.configSchema() != null) {
      node.set("config_schema", entitlement.configSchema());
    }
    return node;
  }

  public static ObjectNode write(Tier tier) {
    ObjectNode node = JSON.objectNode();
    node.put("slug", tier.slug());
    node.put("name", tier.name());
    node.put("rank", tier.rank());
    ObjectNode values = node.putObject("entitlements");
    new TreeMap<>(tier.entitlements()).forEach((slug, value) -> values.set(slug, value(value)));
    return node;
  }

  /** A value as a file writes it: true/false, a limit or null for unlimited, a CONFIG payload. */
  public static JsonNode value(EntitlementValue value) {
    if (value instanceof EntitlementValue.Flag flag) {
      return JSON.booleanNode(flag.enabled());
    }
    if (value instanceof EntitlementValue.Quota quota) {
      return quota.isUnlimited() ? JSON.nullNode() : number(quota.limit());
    }
    return ((EntitlementValue.Config) value).payload();
  }

  /** A number written the same whatever its scale: 1000, not 1.0E+3 or 1000.00. */
  private static JsonNode number(BigDecimal number) {
    BigDecimal plain = number.stripTrailingZeros();
    if (plain.scale() > 0) {
      return JSON.numberNode(plain);
    }
    java.math.BigInteger whole = plain.toBigIntegerExact();
    if (whole.bitLength() < Integer.SIZE) {
      return JSON.numberNode(whole.intValue());
    }
    return whole.bitLength() < Long.SIZE
        ? JSON.numberNode(whole.longValue())
        : JSON.numberNode(whole);
  }

  /**
   * A tree written with its object fields in name order, so equal trees give equal text whatever
   * order their fields came in.
   */
  public static String canonical(JsonNode node) {
    StringBuilder text = new StringBuilder();
    canonical(node, text);
    return text.toString();
  }

  private static void canonical(JsonNode node, StringBuilder text) {
    if (node == null || node.isMissingNode()) {
      text.append("null");
    } else if (node.isObject()) {
      text.append('{');
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      Set<String> seen = new HashSet<>();
      for (String name : names) {
        if (seen.add(name)) {
          text.append(seen.size() > 1 ? "," : "").append(JSON.textNode(name)).append(':');
          canonical(node.get(name), text);
        }
      }
      text.append('}');
    } else if (node.isArray()) {
      text.append('[');
      for (int i = 0; i < node.size(); i++) {
        text.append(i > 0 ? "," : "");
        canonical(node.get(i), text);
      }
      text.append(']');
    } else if (node.isNumber()) {
      text.append(number(node.decimalValue()));
    } else {
      text.append(node);
    }
  }
}
