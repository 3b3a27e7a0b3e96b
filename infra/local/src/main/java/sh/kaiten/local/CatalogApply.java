package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A catalog file applied through the API, as {@code kaiten apply} does: plan, then apply it. */
final class CatalogApply {
  private CatalogApply() {}

  /**
   * @return how many changes were applied
   * @throws IllegalStateException when the plan is refused, naming why
   */
  static int apply(ApiClient api, String admin, JsonNode catalog) {
    JsonNode plan = api.post("/api/catalog/plan", admin, catalog.toString());
    if (!plan.path("applicable").asBoolean()) {
      throw new IllegalStateException("the catalog cannot be applied: " + plan.path("refusals"));
    }
    if (!plan.path("has_changes").asBoolean()) {
      return 0;
    }
    String hash = URLEncoder.encode(plan.path("plan_hash").asText(), StandardCharsets.UTF_8);
    return api.post("/api/catalog/apply?plan_hash=" + hash, admin, catalog.toString())
        .path("changes")
        .size();
  }
}
