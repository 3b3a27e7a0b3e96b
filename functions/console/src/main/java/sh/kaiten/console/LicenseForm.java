package sh.kaiten.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.LicensePatch.DateChange;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;

/**
 * A change to a license as the license page's forms send it, read into the API's {@link
 * LicensePatch}: each field bounded and parsed before the domain sees it. The same fields go
 * through the preview and, as hidden fields, to the confirmation, so what is confirmed is exactly
 * what was previewed.
 *
 * @param change which change: {@code tier}, {@code extend-trial}, {@code end-trial}, {@code
 *     suspend}, {@code reactivate} or {@code override}
 * @param trialEndsAt an ISO instant, or a {@code datetime-local} value read as UTC
 * @param value an override's value: true, false, a number, {@code unlimited}, or JSON; empty
 *     removes the override
 */
record LicenseForm(
    String change, String tier, String trialEndsAt, String entitlement, String value) {
  static final int MAX_FIELD = 100;
  static final int MAX_VALUE = 4096;
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  LicenseForm {
    bounded("change", change, MAX_FIELD);
    bounded("tier", tier, MAX_FIELD);
    bounded("trial_ends_at", trialEndsAt, MAX_FIELD);
    bounded("entitlement", entitlement, MAX_FIELD);
    bounded("value", value, MAX_VALUE);
    if (change == null || change.isBlank()) {
      throw new InvalidInputException("change", "choose a change to make");
    }
  }

  /**
   * The form as it will be confirmed: ending a trial ends it at the instant it was previewed, not
   * at whatever instant the confirmation comes in.
   */
  LicenseForm fixedAt(Instant now) {
    if (change.equals("end-trial") && blank(trialEndsAt)) {
      return new LicenseForm(change, tier, now.toString(), entitlement, value);
    }
    return this;
  }

  /**
   * @param current the license as it is now, read only for a reactivation, whose status it decides
   *     ({@link License#reactivatedStatus})
   */
  LicensePatch patch(Instant now, Supplier<License> current) {
    return switch (change) {
      case "tier" -> new LicensePatch(required("tier", tier), null, null, null, null, null);
      case "extend-trial" ->
          new LicensePatch(
              null,
              null,
              null,
              new DateChange(
                  Times.instant("trial_ends_at", required("trial_ends_at", trialEndsAt))),
              null,
              null);
      case "end-trial" ->
          new LicensePatch(
              null,
              null,
              null,
              new DateChange(
                  blank(trialEndsAt) ? now : Times.instant("trial_ends_at", trialEndsAt)),
              null,
              null);
      case "suspend" -> new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null);
      case "reactivate" ->
          new LicensePatch(null, current.get().reactivatedStatus(now), null, null, null, null);
      case "override" -> {
        Map<String, JsonNode> overrides = new HashMap<>();
        overrides.put(required("entitlement", entitlement), overrideValue());
        yield new LicensePatch(null, null, null, null, null, overrides);
      }
      default ->
          throw new InvalidInputException(
              "change",
              "change must be tier, extend-trial, end-trial, suspend, reactivate or override");
    };
  }

  /** What the change does, in words, for the preview's heading. */
  String describe() {
    return switch (change) {
      case "tier" -> "Move to tier " + tier;
      case "extend-trial" ->
          "Trial ends at " + Views.when(Times.instant("trial_ends_at", trialEndsAt));
      case "end-trial" -> "End the trial now";
      case "suspend" -> "Suspend the license";
      case "reactivate" -> "Reactivate the license";
      case "override" ->
          blank(value)
              ? "Remove the override of " + entitlement
              : "Override " + entitlement + " with " + value.strip();
      default -> change;
    };
  }

  /**
   * The fields given, in a fixed order: the confirmation's hidden fields and the audit record's
   * body.
   */
  Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("change", change);
    put(fields, "tier", tier);
    put(fields, "trial_ends_at", trialEndsAt);
    put(fields, "entitlement", entitlement);
    put(fields, "value", value);
    return Collections.unmodifiableMap(fields);
  }

  private static void put(Map<String, String> fields, String name, String value) {
    if (!blank(value)) {
      fields.put(name, value.strip());
    }
  }

  private JsonNode overrideValue() {
    if (blank(value)) {
      return NullNode.getInstance();
    }
    String text = value.strip();
    if (text.equals(EntitlementValue.UNLIMITED)) {
      return JsonNodeFactory.instance.textNode(EntitlementValue.UNLIMITED);
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "value", "value must be true, false, a number, unlimited, or a JSON value");
    }
  }

  private static String required(String field, String text) {
    if (blank(text)) {
      throw new InvalidInputException(field, field + " is required for this change");
    }
    return text.strip();
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  private static void bounded(String field, String text, int max) {
    if (text != null && text.length() > max) {
      throw new InvalidInputException(field, field + " is longer than " + max + " characters");
    }
  }
}
