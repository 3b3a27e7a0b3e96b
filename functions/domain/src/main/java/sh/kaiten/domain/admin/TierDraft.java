package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A tier as a caller writes it: values still raw JSON until checked against each entitlement's
 * type.
 */
public record TierDraft(
    String slug, String name, Integer rank, Map<String, JsonNode> entitlements) {}
