package sh.kaiten.domain.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import sh.kaiten.domain.error.InvalidInputException;

/** What a tier or an override gives an entitlement; its shape follows the entitlement's type. */
public sealed interface EntitlementValue {
  /**
   * How a NUMERIC value may say "no limit" besides null: in a JSON Merge Patch, null removes the
   * value instead.
   */
  String UNLIMITED = "unlimited";

  /** A BOOLEAN entitlement's value. */
  record Flag(boolean enabled) implements EntitlementValue {}

  /** A NUMERIC entitlement's limit; {@code limit} null means unlimited. */
  record Quota(BigDecimal limit) implements EntitlementValue {
    public static final Quota UNLIMITED = new Quota(null);

    public Quota {
      if (limit != null && limit.signum() < 0) {
        throw new IllegalArgumentException("a limit cannot be negative");
      }
    }

    public boolean isUnlimited() {
      return limit == null;
    }
  }

  /** A CONFIG entitlement's payload. */
  record Config(JsonNode payload) implements EntitlementValue {}

  /**
   * Reads a JSON value given for {@code entitlement}, refusing one of the wrong shape, and a CONFIG
   * value its schema does not accept.
   *
   * @param field the request field the value came from, named in the error
   */
  static EntitlementValue fromJson(String field, Entitlement entitlement, JsonNode json) {
    return switch (entitlement.type()) {
      case BOOLEAN -> {
        if (json == null || !json.isBoolean()) {
          throw new InvalidInputException(
              field, field + " must be true or false for a BOOLEAN entitlement");
        }
        yield new Flag(json.booleanValue());
      }
      case NUMERIC -> {
        if (json == null || json.isNull() || json.isTextual() && UNLIMITED.equals(json.asText())) {
          yield Quota.UNLIMITED;
        }
        if (!json.isNumber()) {
          throw new InvalidInputException(
              field, field + " must be a number, or null or \"" + UNLIMITED + "\" for unlimited");
        }
        yield new Quota(NumericContract.requireQuantity(field, json.decimalValue()));
      }
      case CONFIG -> {
        if (json == null || json.isMissingNode()) {
          throw new InvalidInputException(
              field, field + " must be a JSON value for a CONFIG entitlement");
        }
        ConfigSchema.requireValid(field, entitlement.configSchema(), json);
        yield new Config(json);
      }
    };
  }
}
