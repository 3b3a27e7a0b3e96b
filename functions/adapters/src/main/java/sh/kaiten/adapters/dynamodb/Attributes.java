package sh.kaiten.adapters.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.EntitlementValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Conversions between domain values and DynamoDB attribute values. */
final class Attributes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Attributes() {}

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(BigDecimal value) {
    return AttributeValue.fromN(value.toPlainString());
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue instant(Instant value) {
    return AttributeValue.fromS(value.toString());
  }

  static AttributeValue json(JsonNode value) {
    return AttributeValue.fromS(value.toString());
  }

  static AttributeValue strings(Map<String, String> values) {
    Map<String, AttributeValue> map = new LinkedHashMap<>();
    values.forEach((k, v) -> map.put(k, s(v)));
    return AttributeValue.fromM(map);
  }

  /** BOOLEAN as BOOL, NUMERIC as N (NULL for unlimited), CONFIG as S holding the JSON text. */
  static AttributeValue value(EntitlementValue value) {
    if (value instanceof EntitlementValue.Flag flag) {
      return AttributeValue.fromBool(flag.enabled());
    }
    if (value instanceof EntitlementValue.Quota quota) {
      return quota.isUnlimited() ? AttributeValue.fromNul(true) : n(quota.limit());
    }
    return json(((EntitlementValue.Config) value).payload());
  }

  static AttributeValue values(Map<String, EntitlementValue> values) {
    Map<String, AttributeValue> map = new LinkedHashMap<>();
    values.forEach((slug, value) -> map.put(slug, value(value)));
    return AttributeValue.fromM(map);
  }

  static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  static BigDecimal decimal(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? null : new BigDecimal(value.n());
  }

  static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : Instant.parse(value);
  }

  static JsonNode json(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : parse(value);
  }

  static Map<String, String> strings(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    Map<String, String> map = new LinkedHashMap<>();
    if (value != null && value.hasM()) {
      value.m().forEach((k, v) -> map.put(k, v.s()));
    }
    return map;
  }

  static List<Integer> integers(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || !value.hasL()
        ? null
        : value.l().stream().map(v -> Integer.valueOf(v.n())).toList();
  }

  static Map<String, EntitlementValue> values(Map<String, AttributeValue> item, String name) {
    AttributeValue attribute = item.get(name);
    Map<String, EntitlementValue> values = new LinkedHashMap<>();
    if (attribute != null && attribute.hasM()) {
      attribute.m().forEach((slug, value) -> values.put(slug, value(value)));
    }
    return values;
  }

  private static EntitlementValue value(AttributeValue value) {
    if (value.bool() != null) {
      return new EntitlementValue.Flag(value.bool());
    }
    if (Boolean.TRUE.equals(value.nul())) {
      return EntitlementValue.Quota.UNLIMITED;
    }
    if (value.n() != null) {
      return new EntitlementValue.Quota(new BigDecimal(value.n()));
    }
    return new EntitlementValue.Config(parse(value.s()));
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not valid", e);
    }
  }
}
