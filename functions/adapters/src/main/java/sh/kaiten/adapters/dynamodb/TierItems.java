package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.catalog.Tier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A tier as a Catalog item ({@code sk = TIER#{slug}}) and back; the item also counts its licenses.
 */
final class TierItems {
  private TierItems() {}

  static String sk(String slug) {
    return Keys.TIER + slug;
  }

  static Map<String, AttributeValue> fields(Tier tier) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("slug", s(tier.slug()));
    fields.put("name", s(tier.name()));
    fields.put("rank", n(tier.rank()));
    fields.put("entitlements", Attributes.values(tier.entitlements()));
    fields.put("created_at", instant(tier.createdAt()));
    fields.put(CatalogItems.UPDATED_AT, instant(tier.updatedAt()));
    return fields;
  }

  static Tier tier(Map<String, AttributeValue> item) {
    return new Tier(
        string(item, "slug"),
        string(item, "name"),
        Attributes.decimal(item, "rank").intValueExact(),
        Attributes.values(item, "entitlements"),
        instant(item, "created_at"),
        CatalogItems.updatedAt(item));
  }
}
