package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.error.UnknownReferenceException;

/**
 * The values a tier or a license's overrides give entitlements, read as the entitlements' types
 * say.
 */
final class EntitlementValues {
  private final Definitions definitions;

  EntitlementValues(Definitions definitions) {
    this.definitions = definitions;
  }

  /** Checks raw JSON values against the types of the entitlements they name. */
  Map<String, EntitlementValue> of(String tenantId, String field, Map<String, JsonNode> raw) {
    Map<String, EntitlementValue> values = new LinkedHashMap<>();
    if (raw == null) {
      return values;
    }
    raw.forEach(
        (slug, json) -> {
          String path = field + "." + slug;
          if (!Slugs.isValid(slug)) {
            throw new UnknownReferenceException(
                path,
                "entitlement slugs match ^[a-z0-9][a-z0-9-]{0,62}$; no entitlement has this one");
          }
          Entitlement entitlement =
              definitions
                  .findEntitlement(tenantId, slug)
                  .orElseThrow(
                      () ->
                          new UnknownReferenceException(
                              path, "entitlement '" + slug + "' does not exist"));
          values.put(slug, EntitlementValue.fromJson(path, entitlement, json));
        });
    return values;
  }
}
