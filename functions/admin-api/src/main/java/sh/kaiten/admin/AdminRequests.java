package sh.kaiten.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.NumericContract;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.WebhookDraft;
import sh.kaiten.domain.webhooks.WebhookPatch;

/** Bodies of control-plane requests. */
final class AdminRequests {
  private AdminRequests() {}

  @RegisterForReflection
  record TenantRequest(String name) {}

  /** A new webhook endpoint. */
  @RegisterForReflection
  record WebhookRequest(String url, String description, List<String> eventTypes) {
    WebhookDraft toDraft() {
      return new WebhookDraft(url, description, eventTypes);
    }
  }

  /**
   * The page a list request asks for: {@code limit} 1 to 200 (default 50), {@code cursor} from the
   * last page.
   */
  static PageRequest page(String cursor, String limit) {
    Integer size = null;
    if (limit != null) {
      try {
        size = Integer.valueOf(limit);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "limit", "limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT);
      }
    }
    return PageRequest.of(cursor, size);
  }

  static <T> T required(T body) {
    if (body == null) {
      throw new InvalidInputException(null, "a JSON body is required");
    }
    return body;
  }

  /**
   * A PATCH of a webhook endpoint as JSON Merge Patch: {@code url}, {@code description} (null
   * clears it) and {@code event_types}; a field left out stays as it is, any other field is
   * refused.
   */
  static WebhookPatch webhookPatch(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(null, "a JSON object is required");
    }
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!WEBHOOK_PATCH_FIELDS.contains(field)) {
                throw new InvalidInputException(
                    field,
                    "unknown field "
                        + field
                        + "; a webhook PATCH may change "
                        + String.join(", ", WEBHOOK_PATCH_FIELDS));
              }
            });
    if (body.has("url") && body.get("url").isNull()) {
      throw new InvalidInputException("url", "url cannot be removed");
    }
    List<String> eventTypes = null;
    if (body.has("event_types")) {
      JsonNode given = body.get("event_types");
      if (!given.isArray()) {
        throw new InvalidInputException("event_types", "event_types must be a list of event names");
      }
      eventTypes = new ArrayList<>();
      for (int i = 0; i < given.size(); i++) {
        if (!given.get(i).isTextual()) {
          throw new InvalidInputException(
              "event_types[" + i + "]", "event_types must hold event names");
        }
        eventTypes.add(given.get(i).asText());
      }
    }
    boolean clearsDescription = body.has("description") && body.get("description").isNull();
    return new WebhookPatch(
        text(body, "url"),
        body.has("description"),
        clearsDescription ? null : text(body, "description"),
        eventTypes);
  }

  private static final List<String> WEBHOOK_PATCH_FIELDS =
      List.of("url", "description", "event_types");

  @RegisterForReflection
  record CustomerRequest(String name, Map<String, String> metadata) {}

  @RegisterForReflection
  record InstanceRequest(String id, String licenseId, String name, Map<String, String> labels) {}

  /** An entitlement; the NUMERIC settings sit at the top level and are refused on other types. */
  @RegisterForReflection
  record EntitlementRequest(
      String slug,
      String name,
      EntitlementType type,
      Aggregation aggregation,
      Reset reset,
      ResetAnchor resetAnchor,
      MeterScope scope,
      Enforcement enforcement,
      BigDecimal overagePercent,
      List<Integer> thresholds,
      String unit,
      Integer shards,
      JsonNode configSchema) {

    Entitlement toDraft() {
      Metering metering = null;
      if (type == EntitlementType.NUMERIC) {
        if (overagePercent != null) {
          NumericContract.requirePercent("overage_percent", overagePercent);
        }
        metering =
            new Metering(
                aggregation,
                reset,
                resetAnchor,
                scope,
                enforcement,
                overagePercent,
                thresholds,
                unit,
                shards == null ? 1 : shards);
      } else {
        refuseMeteringField("aggregation", aggregation);
        refuseMeteringField("reset", reset);
        refuseMeteringField("reset_anchor", resetAnchor);
        refuseMeteringField("scope", scope);
        refuseMeteringField("enforcement", enforcement);
        refuseMeteringField("overage_percent", overagePercent);
        refuseMeteringField("thresholds", thresholds);
        refuseMeteringField("unit", unit);
        refuseMeteringField("shards", shards);
      }
      JsonNode schema = configSchema == null || configSchema.isNull() ? null : configSchema;
      return new Entitlement(slug, name, type, metering, schema, null);
    }

    private static void refuseMeteringField(String field, Object value) {
      if (value != null) {
        throw new InvalidInputException(field, field + " applies to NUMERIC entitlements only");
      }
    }
  }

  /**
   * A PATCH of a license as JSON Merge Patch: a field left out stays as it is, a date set to null
   * is cleared, an override set to null is removed. Any other field is refused.
   */
  static LicensePatch licensePatch(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(null, "a JSON object is required");
    }
    body.fieldNames()
        .forEachRemaining(
            field -> {
              if (!LICENSE_PATCH_FIELDS.contains(field)) {
                throw new InvalidInputException(
                    field,
                    "unknown field "
                        + field
                        + "; a license PATCH may change "
                        + String.join(", ", LICENSE_PATCH_FIELDS));
              }
            });
    Map<String, JsonNode> overrides = null;
    if (body.has("overrides")) {
      JsonNode given = body.get("overrides");
      if (!given.isObject()) {
        throw new InvalidInputException(
            "overrides", "overrides must be an object of entitlement slugs");
      }
      overrides = new LinkedHashMap<>();
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) given::fields) {
        overrides.put(entry.getKey(), entry.getValue());
      }
    }
    String status = text(body, "status");
    return new LicensePatch(
        text(body, "tier"),
        status == null ? null : status(status),
        date(body, "starts_at"),
        date(body, "trial_ends_at"),
        date(body, "expires_at"),
        overrides);
  }

  private static final List<String> LICENSE_PATCH_FIELDS =
      List.of("tier", "status", "starts_at", "trial_ends_at", "expires_at", "overrides");

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidInputException(field, field + " must be a string");
    }
    return value.asText();
  }

  private static LicenseStatus status(String value) {
    try {
      return LicenseStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "status", "status must be one of " + List.of(LicenseStatus.values()));
    }
  }

  private static LicensePatch.DateChange date(JsonNode body, String field) {
    if (!body.has(field)) {
      return null;
    }
    if (body.get(field).isNull()) {
      return LicensePatch.DateChange.clear();
    }
    try {
      return new LicensePatch.DateChange(Instant.parse(text(body, field)));
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          field, field + " must be an ISO-8601 instant such as 2026-12-31T23:59:59Z");
    }
  }
}
