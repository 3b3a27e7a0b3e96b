package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.license.Instance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** An instance as a Catalog item ({@code sk = INSTANCE#{id}}) and back. */
final class InstanceItems {
  private InstanceItems() {}

  static String sk(String id) {
    return Keys.INSTANCE + id;
  }

  static Map<String, AttributeValue> fields(Instance instance) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(instance.id()));
    fields.put("license_id", s(instance.licenseId()));
    fields.put("name", s(instance.name()));
    fields.put("labels", Attributes.strings(instance.labels()));
    fields.put("created_at", instant(instance.createdAt()));
    fields.put(CatalogItems.UPDATED_AT, instant(instance.updatedAt()));
    return fields;
  }

  static Instance instance(Map<String, AttributeValue> item) {
    return new Instance(
        string(item, "id"),
        string(item, "license_id"),
        string(item, "name"),
        Attributes.strings(item, "labels"),
        instant(item, "created_at"),
        CatalogItems.updatedAt(item));
  }
}
