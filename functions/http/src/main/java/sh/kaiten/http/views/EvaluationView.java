package sh.kaiten.http.views;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.runtime.annotations.RegisterForReflection;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.evaluation.Source;
import sh.kaiten.domain.usage.InstanceEntitlement;

/**
 * One entitlement evaluated for an instance.
 *
 * @param value true/false for BOOLEAN, the limit (null = unlimited) for NUMERIC, the payload for
 *     CONFIG; null when nothing is granted
 * @param usage for NUMERIC entitlements only
 */
@RegisterForReflection
public record EvaluationView(
    String entitlement,
    EntitlementType type,
    boolean enabled,
    @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode value,
    Source source,
    Reason reason,
    @JsonInclude(JsonInclude.Include.NON_NULL) UsageView usage) {

  public static EvaluationView of(InstanceEntitlement entitlement) {
    Evaluation evaluation = entitlement.evaluation();
    return new EvaluationView(
        evaluation.entitlement().slug(),
        evaluation.entitlement().type(),
        evaluation.enabled(),
        json(evaluation.value()),
        evaluation.source(),
        evaluation.reason(),
        entitlement.usage() == null ? null : UsageView.of(entitlement.usage(), null));
  }

  public static JsonNode json(EntitlementValue value) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (value == null) {
      return json.nullNode();
    }
    if (value instanceof EntitlementValue.Flag flag) {
      return json.booleanNode(flag.enabled());
    }
    if (value instanceof EntitlementValue.Quota quota) {
      return quota.isUnlimited() ? json.nullNode() : json.numberNode(quota.limit());
    }
    return ((EntitlementValue.Config) value).payload();
  }
}
