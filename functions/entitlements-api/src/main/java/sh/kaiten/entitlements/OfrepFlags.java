package sh.kaiten.entitlements;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Source;
import sh.kaiten.domain.usage.InstanceEntitlement;

/**
 * Entitlements as OpenFeature flags (OFREP), each type as its natural flag type: BOOLEAN → boolean
 * (granted or not), NUMERIC → number (the limit; -1 when unlimited, with {@code
 * metadata.unlimited}), CONFIG → object (the payload). An entitlement the license does not grant
 * answers reason {@code DISABLED} with the type's empty value (false, 0, {}), so a client's default
 * is not mistaken for a grant. Reasons: {@code STATIC} from the tier, {@code TARGETING_MATCH} from
 * a license override; the variant names the source.
 */
final class OfrepFlags {
  /** A NUMERIC entitlement without a limit. */
  static final long UNLIMITED = -1;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private OfrepFlags() {}

  static ObjectNode success(InstanceEntitlement entitlement) {
    Evaluation evaluation = entitlement.evaluation();
    ObjectNode flag = JSON.objectNode();
    flag.put("key", evaluation.entitlement().slug());
    flag.put(
        "reason",
        !evaluation.enabled()
            ? "DISABLED"
            : evaluation.source() == Source.OVERRIDE ? "TARGETING_MATCH" : "STATIC");
    flag.put("variant", evaluation.source().name().toLowerCase());
    ObjectNode metadata = JSON.objectNode();
    metadata.put("type", evaluation.entitlement().type().name());
    metadata.put("source", evaluation.source().name());
    metadata.put("kaiten_reason", evaluation.reason().name());
    flag.set("value", value(evaluation, metadata));
    flag.set("metadata", metadata);
    return flag;
  }

  static ObjectNode failure(String key, String errorCode, String details) {
    ObjectNode flag = JSON.objectNode();
    flag.put("key", key);
    flag.put("errorCode", errorCode);
    flag.put("errorDetails", details);
    return flag;
  }

  /**
   * The shapes OFREP puts on the wire (camelCase, as its spec writes them), for the API contract
   * only: the answers themselves are built as trees above.
   */
  interface Shapes {
    @Schema(name = "OfrepRequest")
    record Request(
        @Schema(description = "targetingKey: the instance id") Map<String, Object> context) {}

    @Schema(name = "OfrepEvaluation")
    record Success(
        String key,
        @Schema(description = "boolean, number (-1: unlimited) or object") JsonNode value,
        String reason,
        String variant,
        Map<String, Object> metadata) {}

    @Schema(name = "OfrepEvaluations")
    record Bulk(List<Success> flags) {}

    @Schema(name = "OfrepFailure")
    record Failure(
        String key,
        @JsonProperty("errorCode") String errorCode,
        @JsonProperty("errorDetails") String errorDetails) {}
  }

  private static JsonNode value(Evaluation evaluation, ObjectNode metadata) {
    EntitlementValue value = evaluation.enabled() ? evaluation.value() : null;
    return switch (evaluation.entitlement().type()) {
      case BOOLEAN ->
          JSON.booleanNode(value instanceof EntitlementValue.Flag flag && flag.enabled());
      case NUMERIC -> {
        if (value instanceof EntitlementValue.Quota quota) {
          metadata.put("unlimited", quota.isUnlimited());
          yield quota.isUnlimited() ? JSON.numberNode(UNLIMITED) : JSON.numberNode(quota.limit());
        }
        yield JSON.numberNode(0);
      }
      case CONFIG ->
          value instanceof EntitlementValue.Config config ? config.payload() : JSON.objectNode();
    };
  }
}
