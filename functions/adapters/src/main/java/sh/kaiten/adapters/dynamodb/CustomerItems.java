package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.license.Customer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A customer as a Catalog item ({@code sk = CUSTOMER#{id}}) and back; the item also counts its
 * licenses.
 */
final class CustomerItems {
  private CustomerItems() {}

  static String sk(String id) {
    return Keys.CUSTOMER + id;
  }

  static Map<String, AttributeValue> fields(Customer customer) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(customer.id()));
    fields.put("name", s(customer.name()));
    fields.put("metadata", Attributes.strings(customer.metadata()));
    fields.put("created_at", instant(customer.createdAt()));
    fields.put(CatalogItems.UPDATED_AT, instant(customer.updatedAt()));
    return fields;
  }

  static Customer customer(Map<String, AttributeValue> item) {
    return new Customer(
        string(item, "id"),
        string(item, "name"),
        Attributes.strings(item, "metadata"),
        instant(item, "created_at"),
        CatalogItems.updatedAt(item));
  }
}
