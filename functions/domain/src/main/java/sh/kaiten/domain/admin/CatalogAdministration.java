package sh.kaiten.domain.admin;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementStore;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.catalog.TierStore;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use case: a tenant's catalog, its entitlements and tiers. An entitlement and the tiers that give
 * it values change together: a tier's values must fit the entitlement, and an entitlement cannot be
 * deleted, nor its schema changed, under the values tiers and licenses give it.
 *
 * <p>Longer than most classes here: entitlements and tiers are one use case because each change of
 * one is checked against the other, as said above.
 */
public final class CatalogAdministration {
  private final Definitions definitions;
  private final EntitlementStore entitlements;
  private final TierStore tiers;
  private final LicenseStore licenses;
  private final Changes changes;
  private final EntitlementValues values;

  /**
   * @param licenses read for the overrides an entitlement change must still accept
   * @param journal what each change writes with itself, in its transaction: its events (the outbox,
   *     whose stream publishes them) and its audit record
   */
  public CatalogAdministration(
      Definitions definitions,
      EntitlementStore entitlements,
      TierStore tiers,
      LicenseStore licenses,
      ChangeJournal journal,
      Clock clock) {
    this.definitions = definitions;
    this.entitlements = entitlements;
    this.tiers = tiers;
    this.licenses = licenses;
    this.changes = new Changes(journal, clock);
    this.values = new EntitlementValues(definitions);
  }

  public Entitlement createEntitlement(ApiToken caller, Entitlement draft) {
    caller.requireAdmin();
    bounded(null, draft);
    Entitlement entitlement =
        new Entitlement(
            draft.slug(),
            draft.name(),
            draft.type(),
            draft.metering(),
            draft.configSchema(),
            changes.now());
    ChangeRecords records =
        changes.records(
            caller,
            "entitlement.created",
            entitlement.slug(),
            changes.event(caller, EventType.ENTITLEMENT_CREATED, EventData.of(entitlement)));
    entitlements.createEntitlement(caller.tenantId(), entitlement, records);
    return entitlement;
  }

  public Entitlement entitlement(ApiToken caller, String slug) {
    caller.requireAdmin();
    return definitions
        .findEntitlement(caller.tenantId(), slug)
        .orElseThrow(() -> new NotFoundException("entitlement", slug));
  }

  /**
   * Changes an entitlement's name, NUMERIC enforcement settings, unit or CONFIG schema. Its type,
   * aggregation, reset, anchor and scope cannot change, because the counters already kept mean what
   * they said; a new schema must accept every value tiers and overrides already give.
   *
   * @param current the entitlement as the caller read it ({@link #entitlement}); the change is
   *     written only if the stored one is still that one, else ConflictException
   * @param wanted the entitlement as the caller wants it, made from {@code current}
   */
  public Entitlement updateEntitlement(ApiToken caller, Entitlement current, Entitlement wanted) {
    caller.requireAdmin();
    String slug = current.slug();
    Unchangeable.require("slug", slug, wanted.slug());
    Unchangeable.require("type", current.type(), wanted.type());
    bounded(current, wanted);
    if (current.isMetered()) {
      Metering was = current.metering();
      Metering will = wanted.metering();
      Unchangeable.require("aggregation", was.aggregation(), will.aggregation());
      Unchangeable.require("reset", was.reset(), will.reset());
      Unchangeable.require("reset_anchor", was.resetAnchor(), will.resetAnchor());
      Unchangeable.require("scope", was.scope(), will.scope());
      Unchangeable.require("shards", was.shards(), will.shards());
    }
    Entitlement updated =
        new Entitlement(
            slug,
            wanted.name(),
            current.type(),
            wanted.metering(),
            wanted.configSchema(),
            current.createdAt(),
            changes.now());
    if (updated.configSchema() != null && !updated.configSchema().equals(current.configSchema())) {
      valuesGiven(caller.tenantId(), slug)
          .forEach(
              (holder, value) -> {
                try {
                  EntitlementValue.fromJson(
                      "config_schema", updated, ((EntitlementValue.Config) value).payload());
                } catch (InvalidInputException refused) {
                  throw new InvalidInputException(
                      "config_schema",
                      "the new schema refuses the value "
                          + holder
                          + " gives: "
                          + refused.getMessage());
                }
              });
    }
    ChangeRecords records =
        changes.records(
            caller,
            "entitlement.updated",
            slug,
            changes.event(caller, EventType.ENTITLEMENT_UPDATED, EventData.of(updated)));
    entitlements.updateEntitlement(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /**
   * Deletes an entitlement no tier or override gives a value; its counters are kept for the record.
   */
  public void deleteEntitlement(ApiToken caller, String slug) {
    Entitlement current = entitlement(caller, slug);
    Map<String, EntitlementValue> given = valuesGiven(caller.tenantId(), slug);
    if (!given.isEmpty()) {
      throw new ConflictException(
          null,
          "entitlement '"
              + slug
              + "' is still given by "
              + listed(given.keySet())
              + "; remove it from them first");
    }
    ChangeRecords records =
        changes.records(
            caller,
            "entitlement.deleted",
            slug,
            changes.event(caller, EventType.ENTITLEMENT_DELETED, EventData.of(current)));
    entitlements.deleteEntitlement(caller.tenantId(), slug, records);
  }

  public Page<Entitlement> entitlements(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return entitlements.entitlements(caller.tenantId(), page);
  }

  public Tier createTier(ApiToken caller, TierDraft draft) {
    caller.requireAdmin();
    if (draft.rank() == null) {
      throw new InvalidInputException("rank", "rank is required");
    }
    Text.name("name", draft.name());
    Tier tier =
        new Tier(
            draft.slug(),
            draft.name(),
            draft.rank(),
            values.of(caller.tenantId(), "entitlements", draft.entitlements()),
            changes.now());
    ChangeRecords records =
        changes.records(
            caller,
            "tier.created",
            tier.slug(),
            changes.event(caller, EventType.TIER_CREATED, EventData.of(tier)));
    tiers.createTier(caller.tenantId(), tier, records);
    return tier;
  }

  public Tier tier(ApiToken caller, String slug) {
    caller.requireAdmin();
    return definitions
        .findTier(caller.tenantId(), slug)
        .orElseThrow(() -> new NotFoundException("tier", slug));
  }

  /**
   * Changes a tier's name, rank or values; every license on it gets the new values within the read
   * cache's 5 s.
   *
   * @param current the tier as the caller read it ({@link #tier}); the change is written only if
   *     the stored one is still that one, else ConflictException
   */
  public Tier updateTier(ApiToken caller, Tier current, TierDraft wanted) {
    caller.requireAdmin();
    String slug = current.slug();
    Unchangeable.require("slug", slug, wanted.slug());
    if (wanted.rank() == null) {
      throw new InvalidInputException("rank", "rank is required");
    }
    if (!Objects.equals(current.name(), wanted.name())) {
      Text.name("name", wanted.name());
    }
    Tier updated =
        new Tier(
            slug,
            wanted.name(),
            wanted.rank(),
            values.of(caller.tenantId(), "entitlements", wanted.entitlements()),
            current.createdAt(),
            changes.now());
    ChangeRecords records =
        changes.records(
            caller,
            "tier.updated",
            slug,
            changes.event(caller, EventType.TIER_UPDATED, EventData.of(updated)));
    tiers.updateTier(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes a tier no license is on. */
  public void deleteTier(ApiToken caller, String slug) {
    Tier current = tier(caller, slug);
    ChangeRecords records =
        changes.records(
            caller,
            "tier.deleted",
            slug,
            changes.event(caller, EventType.TIER_DELETED, EventData.of(current)));
    tiers.deleteTier(caller.tenantId(), slug, records);
  }

  public Page<Tier> tiers(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return tiers.tiers(caller.tenantId(), page);
  }

  /**
   * The bounds of an entitlement's name and unit, where they come in as input: what a change brings
   * ({@code current} null for a new entitlement), never what was stored before a bound was set.
   */
  private static void bounded(Entitlement current, Entitlement wanted) {
    if (current == null || !current.name().equals(wanted.name())) {
      Text.name("name", wanted.name());
    }
    String unit = wanted.metering() == null ? null : wanted.metering().unit();
    String was = current == null || current.metering() == null ? null : current.metering().unit();
    if (!Objects.equals(unit, was)) {
      Text.line("unit", unit, Text.MAX_UNIT);
    }
  }

  /**
   * Where the tenant gives entitlement {@code slug} a value, as "tier 'pro'" or "license 'lic_…'".
   */
  private Map<String, EntitlementValue> valuesGiven(String tenantId, String slug) {
    Map<String, EntitlementValue> given = new LinkedHashMap<>();
    Page.all(page -> tiers.tiers(tenantId, page))
        .forEach(
            tier -> {
              if (tier.entitlements().containsKey(slug)) {
                given.put("tier '" + tier.slug() + "'", tier.entitlements().get(slug));
              }
            });
    Page.all(page -> licenses.licenses(tenantId, page))
        .forEach(
            license -> {
              if (license.overrides().containsKey(slug)) {
                given.put("license '" + license.id() + "'", license.overrides().get(slug));
              }
            });
    return given;
  }

  /** Names a few of many, for an error message. */
  private static String listed(Collection<String> names) {
    int shown = 5;
    String first = names.stream().limit(shown).collect(Collectors.joining(", "));
    return names.size() > shown ? first + " and " + (names.size() - shown) + " more" : first;
  }
}
