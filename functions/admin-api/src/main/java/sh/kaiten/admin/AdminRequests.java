package sh.kaiten.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.error.InvalidInputException;

/** Bodies of control-plane requests. */
final class AdminRequests {
  private AdminRequests() {}

  @RegisterForReflection
  record TenantRequest(String name) {}

  @RegisterForReflection
  record CustomerRequest(String name, Map<String, String> metadata) {}

  @RegisterForReflection
  record InstanceRequest(String id, String licenseId, String name, Map<String, String> labels) {}

  /** An entitlement; the NUMERIC settings sit at the top level and are refused on other types. */
  @RegisterForReflection
  record EntitlementRequest(
      String slug, String name, EntitlementType type, Aggregation aggregation, Reset reset, ResetAnchor resetAnchor,
      MeterScope scope, Enforcement enforcement, BigDecimal overagePercent, List<Integer> thresholds, String unit,
      JsonNode configSchema) {

    Entitlement toDraft() {
      Metering metering = null;
      if (type == EntitlementType.NUMERIC) {
        metering = new Metering(aggregation, reset, resetAnchor, scope, enforcement, overagePercent, thresholds, unit);
      } else {
        refuseMeteringField("aggregation", aggregation);
        refuseMeteringField("reset", reset);
        refuseMeteringField("reset_anchor", resetAnchor);
        refuseMeteringField("scope", scope);
        refuseMeteringField("enforcement", enforcement);
        refuseMeteringField("overage_percent", overagePercent);
        refuseMeteringField("thresholds", thresholds);
        refuseMeteringField("unit", unit);
      }
      return new Entitlement(slug, name, type, metering, configSchema, null);
    }

    private static void refuseMeteringField(String field, Object value) {
      if (value != null) {
        throw new InvalidInputException(field, field + " applies to NUMERIC entitlements only");
      }
    }
  }
}
