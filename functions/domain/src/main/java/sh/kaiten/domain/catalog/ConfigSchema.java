package sh.kaiten.domain.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.util.List;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The JSON Schema of a CONFIG entitlement (draft 2020-12 unless the schema names another {@code
 * $schema}), checked with networknt's validator: the schema itself when the entitlement is defined,
 * and every value assigned to it in a tier or an override.
 */
public final class ConfigSchema {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Schema META_SCHEMA =
      REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  private ConfigSchema() {}

  /** Refuses a schema that is not itself valid JSON Schema, naming where it is wrong. */
  public static void requireValidSchema(String field, JsonNode schema) {
    List<Error> errors = META_SCHEMA.validate(schema);
    if (!errors.isEmpty()) {
      throw invalid(field, "is not a valid JSON Schema", errors.get(0));
    }
    try {
      REGISTRY.getSchema(schema);
    } catch (SchemaException e) {
      throw new InvalidInputException(
          field, field + " is not a usable JSON Schema: " + e.getMessage());
    }
  }

  /** Refuses a value its entitlement's schema does not accept, naming the path that failed. */
  public static void requireValid(String field, JsonNode schema, JsonNode value) {
    List<Error> errors = REGISTRY.getSchema(schema).validate(value);
    if (!errors.isEmpty()) {
      throw invalid(field, "does not match the entitlement's config_schema", errors.get(0));
    }
  }

  /**
   * The error's place in the value, appended to the request field: {@code
   * overrides.theme.logos[1]}.
   */
  private static InvalidInputException invalid(String field, String problem, Error error) {
    NodePath at = error.getInstanceLocation();
    StringBuilder path = new StringBuilder(field);
    for (int i = 0; i < at.getNameCount(); i++) {
      Object element = at.getElement(i);
      path.append(element instanceof Integer index ? "[" + index + "]" : "." + element);
    }
    return new InvalidInputException(
        path.toString(), field + " " + problem + ": " + path + " " + error.getMessage());
  }
}
