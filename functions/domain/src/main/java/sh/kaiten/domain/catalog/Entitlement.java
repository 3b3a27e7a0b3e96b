package sh.kaiten.domain.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * Something a license can grant.
 *
 * @param metering set for NUMERIC only
 * @param configSchema the JSON Schema of the values of a CONFIG entitlement; null otherwise
 * @param updatedAt when it last changed: a change is stored only if no other was stored since it
 *     was read
 */
public record Entitlement(
    String slug,
    String name,
    EntitlementType type,
    Metering metering,
    JsonNode configSchema,
    Instant createdAt,
    Instant updatedAt) {

  /** An entitlement as first written: it has not changed since it was created. */
  public Entitlement(
      String slug,
      String name,
      EntitlementType type,
      Metering metering,
      JsonNode configSchema,
      Instant createdAt) {
    this(slug, name, type, metering, configSchema, createdAt, createdAt);
  }

  public Entitlement {
    Slugs.require("slug", slug);
    // Bounds of the name are checked where input enters (Administration), not here: a stored item
    // always loads.
    Text.required("name", name);
    if (type == null) {
      throw new InvalidInputException("type", "type is required: BOOLEAN, NUMERIC or CONFIG");
    }
    if (type == EntitlementType.NUMERIC) {
      metering = metering == null ? Metering.defaults() : metering;
    } else if (metering != null) {
      throw new InvalidInputException("metering", "only NUMERIC entitlements are metered");
    }
    if (type == EntitlementType.CONFIG) {
      if (configSchema == null || !configSchema.isObject()) {
        throw new InvalidInputException(
            "config_schema", "a CONFIG entitlement needs a JSON Schema object");
      }
      ConfigSchema.requireValidSchema("config_schema", configSchema);
    } else if (configSchema != null) {
      throw new InvalidInputException("config_schema", "only CONFIG entitlements carry a schema");
    }
  }

  public boolean isMetered() {
    return type == EntitlementType.NUMERIC;
  }
}
