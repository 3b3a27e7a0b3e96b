package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;
import static sh.kaiten.adapters.dynamodb.CatalogItems.optionalInstant;

import java.util.LinkedHashMap;
import java.util.Map;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A license as a Catalog item ({@code sk = LICENSE#{id}}) and back; the item also counts its
 * instances.
 */
final class LicenseItems {
  private LicenseItems() {}

  static String sk(String id) {
    return Keys.LICENSE + id;
  }

  static Map<String, AttributeValue> fields(License license) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(license.id()));
    fields.put("customer_id", s(license.customerId()));
    fields.put("tier", s(license.tier()));
    fields.put("status", s(license.status().name()));
    fields.put("starts_at", optionalInstant(license.startsAt()));
    fields.put("trial_ends_at", optionalInstant(license.trialEndsAt()));
    fields.put("expires_at", optionalInstant(license.expiresAt()));
    fields.put("overrides", Attributes.values(license.overrides()));
    fields.put("created_at", instant(license.createdAt()));
    fields.put(CatalogItems.UPDATED_AT, instant(license.updatedAt()));
    return fields;
  }

  static License license(Map<String, AttributeValue> item) {
    return new License(
        string(item, "id"),
        string(item, "customer_id"),
        string(item, "tier"),
        LicenseStatus.valueOf(string(item, "status")),
        instant(item, "starts_at"),
        instant(item, "trial_ends_at"),
        instant(item, "expires_at"),
        Attributes.values(item, "overrides"),
        instant(item, "created_at"),
        CatalogItems.updatedAt(item));
  }
}
