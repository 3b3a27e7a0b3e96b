package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What every record item of the Catalog table shares: its key and its change stamps. */
final class CatalogItems {
  static final String UPDATED_AT = "updated_at";

  /** On a tier and a customer: how many licenses name it. */
  static final String LICENSE_COUNT = "license_count";

  /** On a license: how many instances are on it. */
  static final String INSTANCE_COUNT = "instance_count";

  private CatalogItems() {}

  /** The key and the fields that are set. */
  static Map<String, AttributeValue> item(
      String tenantId, String sk, Map<String, AttributeValue> fields) {
    Map<String, AttributeValue> item = TenantItems.key(tenantId, sk);
    fields.forEach(
        (name, value) -> {
          if (value != null) {
            item.put(name, value);
          }
        });
    return item;
  }

  /** Null for no date: the field is then removed, not stored. */
  static AttributeValue optionalInstant(Instant value) {
    return value == null ? null : instant(value);
  }

  /** Items written before {@code updated_at} existed have changed last when they were created. */
  static Instant updatedAt(Map<String, AttributeValue> item) {
    return item.containsKey(UPDATED_AT) ? instant(item, UPDATED_AT) : instant(item, "created_at");
  }
}
