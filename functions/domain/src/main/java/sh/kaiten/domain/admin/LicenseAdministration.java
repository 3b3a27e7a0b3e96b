package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Dates;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use case: a tenant's licenses, with the timers of their dates and the events of their changes.
 *
 * <p>A little over 250 lines: a change is checked once ({@link #proposeChange}) and written by the
 * API's PATCH and the console's confirmed preview alike, so both stay here.
 */
public final class LicenseAdministration {
  private final Definitions definitions;
  private final CustomerStore customers;
  private final LicenseStore licenses;
  private final Changes changes;
  private final EntitlementValues values;
  private final Duration trialNotice;

  /**
   * @param journal what each change writes with itself, in its transaction: its events (the outbox,
   *     whose stream publishes them) and its audit record
   * @param trialNotice how long before a trial ends the vendor hears {@code trial.ending_soon}
   */
  public LicenseAdministration(
      Definitions definitions,
      CustomerStore customers,
      LicenseStore licenses,
      ChangeJournal journal,
      Clock clock,
      Duration trialNotice) {
    this.definitions = definitions;
    this.customers = customers;
    this.licenses = licenses;
    this.changes = new Changes(journal, clock);
    this.values = new EntitlementValues(definitions);
    this.trialNotice = trialNotice;
  }

  public License createLicense(ApiToken caller, LicenseDraft draft) {
    caller.requireAdmin();
    String tenantId = caller.tenantId();
    // The shape of every field first, then what they refer to.
    Text.id("customer_id", draft.customerId());
    Slugs.require("tier", draft.tier());
    requireDates(draft.startsAt(), draft.trialEndsAt(), draft.expiresAt());
    if (customers.findCustomer(tenantId, draft.customerId()).isEmpty()) {
      throw new UnknownReferenceException(
          "customer_id", "customer '" + draft.customerId() + "' does not exist");
    }
    if (definitions.findTier(tenantId, draft.tier()).isEmpty()) {
      throw new UnknownReferenceException("tier", "tier '" + draft.tier() + "' does not exist");
    }
    Instant now = changes.now();
    LicenseStatus status = draft.status() == null ? LicenseStatus.ACTIVE : draft.status();
    License license =
        new License(
            Ids.newId("lic", now),
            draft.customerId(),
            draft.tier(),
            status,
            draft.startsAt() == null ? now : draft.startsAt(),
            draft.trialEndsAt(),
            draft.expiresAt(),
            values.of(tenantId, "overrides", draft.overrides()),
            now,
            now);
    ChangeRecords records =
        changes.records(
            caller,
            "license.created",
            license.id(),
            changes.event(caller, EventType.LICENSE_CREATED, EventData.of(license)));
    licenses.createLicense(
        tenantId, license, LifecycleTimer.forLicense(tenantId, license, trialNotice, now), records);
    return license;
  }

  /**
   * Changes a license's tier, status, dates or overrides. Every instance of the license gets the
   * new answer on its next request: nothing about a license is cached. The change is refused with
   * 409 if another change was stored since this one read the license.
   */
  public License updateLicense(ApiToken caller, String id, LicensePatch patch) {
    return updateLicense(caller, id, patch, null);
  }

  /**
   * The same change, made only if the license is still as it was when it was read for the change
   * (its {@code updated_at} then): a person who previewed a change confirms what they saw, or is
   * told it changed in between, and nothing is written.
   *
   * @param readAt the {@code updated_at} of the license the change was decided on; null for the
   *     license as read now
   */
  public License updateLicense(ApiToken caller, String id, LicensePatch patch, Instant readAt) {
    Proposed change = propose(caller, id, patch);
    License current = change.before();
    if (readAt != null && !readAt.equals(current.updatedAt())) {
      throw changedSince(id);
    }
    License updated = change.after();
    String tenantId = caller.tenantId();
    List<Event> announced =
        LicenseChanges.between(
                current, updated, rank(tenantId, current.tier()), change.tier().rank())
            .stream()
            .map(
                type -> {
                  ObjectNode data = EventData.of(updated);
                  data.put("previous_tier", current.tier());
                  data.put("previous_status", current.status().name());
                  return changes.event(caller, type, data);
                })
            .toList();
    ChangeRecords records = changes.records(tenantId, "license.updated", id, announced);
    licenses.updateLicense(
        tenantId,
        current,
        updated,
        LifecycleTimer.changedFor(tenantId, current, updated, trialNotice, updated.updatedAt()),
        records);
    return updated;
  }

  /**
   * The license as it is and as {@code patch} would make it, checked as a change is, but not
   * written: what a change would do, shown before it is made.
   */
  public LicenseChange proposeChange(ApiToken caller, String id, LicensePatch patch) {
    Proposed proposed = propose(caller, id, patch);
    return new LicenseChange(proposed.before(), proposed.after());
  }

  /** A proposed change, with the tier it moves to. */
  private record Proposed(License before, License after, Tier tier) {}

  private Proposed propose(ApiToken caller, String id, LicensePatch patch) {
    caller.requireAdmin();
    String tenantId = caller.tenantId();
    License current =
        licenses.findLicense(tenantId, id).orElseThrow(() -> new NotFoundException("license", id));
    String tierSlug = patch.tier() == null ? current.tier() : Slugs.require("tier", patch.tier());
    Tier tier =
        definitions
            .findTier(tenantId, tierSlug)
            .orElseThrow(
                () ->
                    new UnknownReferenceException(
                        "tier", "tier '" + tierSlug + "' does not exist"));
    Instant startsAt = LicensePatch.apply(patch.startsAt(), current.startsAt());
    Instant expiresAt = LicensePatch.apply(patch.expiresAt(), current.expiresAt());
    requireDates(
        startsAt, LicensePatch.apply(patch.trialEndsAt(), current.trialEndsAt()), expiresAt);
    Map<String, EntitlementValue> overrides = new LinkedHashMap<>(current.overrides());
    if (patch.overrides() != null) {
      Map<String, JsonNode> set = new LinkedHashMap<>();
      patch
          .overrides()
          .forEach(
              (slug, value) -> {
                if (value == null || value.isNull()) {
                  overrides.remove(slug);
                } else {
                  set.put(slug, value);
                }
              });
      overrides.putAll(values.of(tenantId, "overrides", set));
    }
    License updated =
        new License(
            id,
            current.customerId(),
            tier.slug(),
            patch.status() == null ? current.status() : patch.status(),
            startsAt,
            LicensePatch.apply(patch.trialEndsAt(), current.trialEndsAt()),
            expiresAt,
            overrides,
            current.createdAt(),
            changes.now());
    return new Proposed(current, updated, tier);
  }

  private static ConflictException changedSince(String id) {
    return new ConflictException(
        null, "license '" + id + "' was changed by another request; read it again");
  }

  public License license(ApiToken caller, String id) {
    caller.requireAdmin();
    return licenses
        .findLicense(caller.tenantId(), id)
        .orElseThrow(() -> new NotFoundException("license", id));
  }

  /** Deletes a license that has no instance left; its usage counters are kept for the record. */
  public void deleteLicense(ApiToken caller, String id) {
    License current = license(caller, id);
    ChangeRecords records =
        changes.records(
            caller,
            "license.deleted",
            id,
            changes.event(caller, EventType.LICENSE_DELETED, EventData.of(current)));
    licenses.deleteLicense(caller.tenantId(), id, records);
  }

  public Page<License> licenses(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return licenses.licenses(caller.tenantId(), page);
  }

  /**
   * The licenses each of these customers holds, in id order (a customer without one maps to an
   * empty list): one pass over the tenant's licenses, whatever the number of customers.
   */
  public Map<String, List<License>> licensesOf(ApiToken caller, Collection<String> customerIds) {
    caller.requireAdmin();
    Map<String, List<License>> held = new LinkedHashMap<>();
    customerIds.forEach(id -> held.put(id, new ArrayList<>()));
    Page.all(request -> licenses.licenses(caller.tenantId(), request)).stream()
        .filter(license -> held.containsKey(license.customerId()))
        .forEach(license -> held.get(license.customerId()).add(license));
    return held;
  }

  /** The rank of a tier that may since have been deleted: then it ranks below every tier. */
  private int rank(String tenantId, String tier) {
    return definitions.findTier(tenantId, tier).map(Tier::rank).orElse(Integer.MIN_VALUE);
  }

  private static void requireDates(Instant startsAt, Instant trialEndsAt, Instant expiresAt) {
    Dates.require("starts_at", startsAt);
    Dates.require("trial_ends_at", trialEndsAt);
    Dates.require("expires_at", expiresAt);
    if (expiresAt != null && startsAt != null && !expiresAt.isAfter(startsAt)) {
      throw new InvalidInputException("expires_at", "expires_at must be after starts_at");
    }
  }
}
