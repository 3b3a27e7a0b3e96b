package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What applying a catalog file would do: the changes to entitlements, tiers and webhook endpoints,
 * what each license (and so each of its instances) would be answered differently, and what the
 * apply would refuse.
 *
 * @param hash SHA-256 (hex) of the catalog as stored and the catalog as wanted: an apply carries
 *     it, and is refused when the catalog has changed since
 * @param refusals why the plan cannot be applied; empty when it can
 */
public record CatalogPlan(
    String hash, List<Change> changes, List<LicenseChange> licenses, List<Refusal> refusals) {

  public CatalogPlan {
    changes = List.copyOf(changes);
    licenses = List.copyOf(licenses);
    refusals = List.copyOf(refusals);
  }

  public enum Action {
    CREATE,
    UPDATE,
    DELETE
  }

  /**
   * One record created, updated or deleted.
   *
   * @param kind {@code entitlement}, {@code tier} or {@code webhook}
   * @param slug the record's name in the file: a webhook endpoint's is its URL
   * @param fields each field that changes, as {@code metering.aggregation} or {@code
   *     entitlements.api-calls}, with its value before and after (null where there is none)
   */
  public record Change(Action action, String kind, String slug, List<FieldChange> fields) {}

  public record FieldChange(String field, JsonNode before, JsonNode after) {}

  /**
   * A license whose answers change, with its instances: every one of them gets the new answers.
   *
   * @param customerName the name of the license's customer (null if it is gone)
   * @param entitlements the entitlements answered differently, each with the answer before and
   *     after ({@code enabled}, {@code value}, {@code source}, {@code reason}; null when the
   *     entitlement does not exist on that side)
   */
  public record LicenseChange(
      String licenseId,
      String customerId,
      String customerName,
      String tier,
      List<String> instances,
      List<AnswerChange> entitlements) {}

  public record AnswerChange(String entitlement, JsonNode before, JsonNode after) {}

  /**
   * Why a change cannot be applied.
   *
   * @param path the JSON Pointer in the catalog file of what is refused
   * @param licenses the licenses that hold on to what the change would take away
   */
  public record Refusal(String path, String problem, List<String> licenses) {}

  public boolean hasChanges() {
    return !changes.isEmpty();
  }

  public boolean applicable() {
    return refusals.isEmpty();
  }
}
