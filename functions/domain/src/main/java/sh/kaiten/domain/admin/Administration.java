package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.catalog.Dates;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;

/** Use cases of the control plane: the tenant's catalog, customers, licenses and instances. */
public final class Administration {
  private final AdminStores stores;
  private final TokenStore tokens;
  private final ChangeJournal journal;
  private final Clock clock;
  private final Optional<String> bootstrapSecret;
  private final Duration trialNotice;

  /**
   * @param journal what each change writes with itself, in its transaction: its events (the outbox, whose
   *     stream publishes them) and its audit record
   * @param bootstrapSecret the deployment's secret that may create tenants; empty disables bootstrap
   * @param trialNotice how long before a trial ends the vendor hears {@code trial.ending_soon}
   */
  public Administration(AdminStores stores, ChangeJournal journal, Clock clock, Optional<String> bootstrapSecret,
      Duration trialNotice) {
    this.stores = stores;
    this.tokens = stores.tokens();
    this.journal = journal;
    this.clock = clock;
    this.bootstrapSecret = bootstrapSecret.filter(secret -> !secret.isBlank());
    this.trialNotice = trialNotice;
  }

  /** Creates a tenant and its first admin token, for a caller holding the deployment's bootstrap secret. */
  public TenantCreated bootstrapTenant(String presentedSecret, String name) {
    String expected = bootstrapSecret.orElseThrow(
        () -> new ForbiddenException("bootstrap is disabled: the deployment has no bootstrap secret"));
    if (presentedSecret == null || !Secrets.sameSecret(presentedSecret, expected)) {
      throw new UnauthenticatedException("the bootstrap secret is missing or wrong");
    }
    Text.name("name", name);
    Instant now = clock.instant();
    Tenant tenant = new Tenant(Ids.newId("ten", now), name, now);
    // The tenant, its first admin token and its audit record: one transaction.
    IssuedToken admin = newToken(tenant.id(), TokenScope.ADMIN, null, null);
    stores.tenants().createTenant(tenant, tokens.issuing(Secrets.hash(admin.secret()), admin.token()),
        journal.records(tenant.id(), "tenant.created", tenant.id(), List.of()));
    return new TenantCreated(tenant, admin.token(), admin.secret());
  }

  public Entitlement createEntitlement(ApiToken caller, Entitlement draft) {
    caller.requireAdmin();
    bounded(null, draft);
    Entitlement entitlement = new Entitlement(
        draft.slug(), draft.name(), draft.type(), draft.metering(), draft.configSchema(), clock.instant());
    ChangeRecords records = records(caller, "entitlement.created", entitlement.slug(),
        event(caller, EventType.ENTITLEMENT_CREATED, EventData.of(entitlement)));
    stores.entitlements().createEntitlement(caller.tenantId(), entitlement, records);
    return entitlement;
  }

  public Entitlement entitlement(ApiToken caller, String slug) {
    caller.requireAdmin();
    return stores.definitions().findEntitlement(caller.tenantId(), slug).orElseThrow(() -> new NotFoundException("entitlement", slug));
  }

  /**
   * Changes an entitlement's name, NUMERIC enforcement settings, unit or CONFIG schema. Its type,
   * aggregation, reset, anchor and scope cannot change, because the counters already kept mean
   * what they said; a new schema must accept every value tiers and overrides already give.
   *
   * @param change the entitlement as the caller wants it, made from the stored one
   */
  public Entitlement updateEntitlement(ApiToken caller, String slug, UnaryOperator<Entitlement> change) {
    Entitlement current = entitlement(caller, slug);
    Entitlement wanted = change.apply(current);
    requireSame("slug", current.slug(), wanted.slug());
    requireSame("type", current.type(), wanted.type());
    bounded(current, wanted);
    if (current.isMetered()) {
      Metering was = current.metering();
      Metering will = wanted.metering();
      requireSame("aggregation", was.aggregation(), will.aggregation());
      requireSame("reset", was.reset(), will.reset());
      requireSame("reset_anchor", was.resetAnchor(), will.resetAnchor());
      requireSame("scope", was.scope(), will.scope());
      requireSame("shards", was.shards(), will.shards());
    }
    Entitlement updated = new Entitlement(slug, wanted.name(), current.type(), wanted.metering(),
        wanted.configSchema(), current.createdAt(), clock.instant());
    if (updated.configSchema() != null && !updated.configSchema().equals(current.configSchema())) {
      valuesGiven(caller.tenantId(), slug).forEach((holder, value) -> {
        try {
          EntitlementValue.fromJson("config_schema", updated, ((EntitlementValue.Config) value).payload());
        } catch (InvalidInputException refused) {
          throw new InvalidInputException("config_schema",
              "the new schema refuses the value " + holder + " gives: " + refused.getMessage());
        }
      });
    }
    ChangeRecords records = records(caller, "entitlement.updated", slug,
        event(caller, EventType.ENTITLEMENT_UPDATED, EventData.of(updated)));
    stores.entitlements().updateEntitlement(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes an entitlement no tier or override gives a value; its counters are kept for the record. */
  public void deleteEntitlement(ApiToken caller, String slug) {
    Entitlement current = entitlement(caller, slug);
    Map<String, EntitlementValue> given = valuesGiven(caller.tenantId(), slug);
    if (!given.isEmpty()) {
      throw new ConflictException(null, "entitlement '" + slug + "' is still given by " + listed(given.keySet())
          + "; remove it from them first");
    }
    ChangeRecords records = records(caller, "entitlement.deleted", slug,
        event(caller, EventType.ENTITLEMENT_DELETED, EventData.of(current)));
    stores.entitlements().deleteEntitlement(caller.tenantId(), slug, records);
  }

  public Tier createTier(ApiToken caller, TierDraft draft) {
    caller.requireAdmin();
    if (draft.rank() == null) {
      throw new InvalidInputException("rank", "rank is required");
    }
    Text.name("name", draft.name());
    Tier tier = new Tier(
        draft.slug(), draft.name(), draft.rank(), values(caller.tenantId(), "entitlements", draft.entitlements()),
        clock.instant());
    ChangeRecords records = records(caller, "tier.created", tier.slug(),
        event(caller, EventType.TIER_CREATED, EventData.of(tier)));
    stores.tiers().createTier(caller.tenantId(), tier, records);
    return tier;
  }

  public Tier tier(ApiToken caller, String slug) {
    caller.requireAdmin();
    return stores.definitions().findTier(caller.tenantId(), slug).orElseThrow(() -> new NotFoundException("tier", slug));
  }

  /** Changes a tier's name, rank or values; every license on it gets the new values within the read cache's 5 s. */
  public Tier updateTier(ApiToken caller, String slug, Function<Tier, TierDraft> change) {
    Tier current = tier(caller, slug);
    TierDraft wanted = change.apply(current);
    requireSame("slug", current.slug(), wanted.slug());
    if (wanted.rank() == null) {
      throw new InvalidInputException("rank", "rank is required");
    }
    if (!Objects.equals(current.name(), wanted.name())) {
      Text.name("name", wanted.name());
    }
    Tier updated = new Tier(slug, wanted.name(), wanted.rank(),
        values(caller.tenantId(), "entitlements", wanted.entitlements()), current.createdAt(), clock.instant());
    ChangeRecords records = records(caller, "tier.updated", slug,
        event(caller, EventType.TIER_UPDATED, EventData.of(updated)));
    stores.tiers().updateTier(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes a tier no license is on. */
  public void deleteTier(ApiToken caller, String slug) {
    Tier current = tier(caller, slug);
    ChangeRecords records = records(caller, "tier.deleted", slug,
        event(caller, EventType.TIER_DELETED, EventData.of(current)));
    stores.tiers().deleteTier(caller.tenantId(), slug, records);
  }

  public Customer createCustomer(ApiToken caller, String name, Map<String, String> metadata) {
    caller.requireAdmin();
    Text.name("name", name);
    Text.entries("metadata", metadata);
    Instant now = clock.instant();
    Customer customer = new Customer(Ids.newId("cus", now), name, metadata, now);
    ChangeRecords records = records(caller, "customer.created", customer.id(),
        event(caller, EventType.CUSTOMER_CREATED, EventData.of(customer)));
    stores.customers().createCustomer(caller.tenantId(), customer, records);
    return customer;
  }

  public Customer customer(ApiToken caller, String id) {
    caller.requireAdmin();
    return stores.customers().findCustomer(caller.tenantId(), id).orElseThrow(() -> new NotFoundException("customer", id));
  }

  /** Changes a customer's name or metadata. */
  public Customer updateCustomer(ApiToken caller, String id, UnaryOperator<Customer> change) {
    Customer current = customer(caller, id);
    Customer wanted = change.apply(current);
    if (!current.name().equals(wanted.name())) {
      Text.name("name", wanted.name());
    }
    Text.changedEntries("metadata", current.metadata(), wanted.metadata());
    Customer updated = new Customer(id, wanted.name(), wanted.metadata(), current.createdAt(), clock.instant());
    ChangeRecords records = records(caller, "customer.updated", id,
        event(caller, EventType.CUSTOMER_UPDATED, EventData.of(updated)));
    stores.customers().updateCustomer(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes a customer that holds no license. */
  public void deleteCustomer(ApiToken caller, String id) {
    Customer current = customer(caller, id);
    ChangeRecords records = records(caller, "customer.deleted", id,
        event(caller, EventType.CUSTOMER_DELETED, EventData.of(current)));
    stores.customers().deleteCustomer(caller.tenantId(), id, records);
  }

  public License createLicense(ApiToken caller, LicenseDraft draft) {
    caller.requireAdmin();
    String tenantId = caller.tenantId();
    // The shape of every field first, then what they refer to.
    Text.id("customer_id", draft.customerId());
    Slugs.require("tier", draft.tier());
    requireDates(draft.startsAt(), draft.trialEndsAt(), draft.expiresAt());
    if (stores.customers().findCustomer(tenantId, draft.customerId()).isEmpty()) {
      throw new UnknownReferenceException("customer_id", "customer '" + draft.customerId() + "' does not exist");
    }
    if (stores.definitions().findTier(tenantId, draft.tier()).isEmpty()) {
      throw new UnknownReferenceException("tier", "tier '" + draft.tier() + "' does not exist");
    }
    Instant now = clock.instant();
    LicenseStatus status = draft.status() == null ? LicenseStatus.ACTIVE : draft.status();
    License license = new License(
        Ids.newId("lic", now),
        draft.customerId(),
        draft.tier(),
        status,
        draft.startsAt() == null ? now : draft.startsAt(),
        draft.trialEndsAt(),
        draft.expiresAt(),
        values(tenantId, "overrides", draft.overrides()),
        now,
        now);
    ChangeRecords records = records(caller, "license.created", license.id(),
        event(caller, EventType.LICENSE_CREATED, EventData.of(license)));
    stores.licenses().createLicense(tenantId, license, LifecycleTimer.forLicense(tenantId, license, trialNotice, now), records);
    return license;
  }

  /**
   * Changes a license's tier, status, dates or overrides. Every instance of the license gets the new
   * answer on its next request: nothing about a license is cached. The change is refused with 409 if
   * another change was stored since this one read the license.
   */
  public License updateLicense(ApiToken caller, String id, LicensePatch patch) {
    caller.requireAdmin();
    String tenantId = caller.tenantId();
    License current = stores.licenses().findLicense(tenantId, id).orElseThrow(() -> new NotFoundException("license", id));
    String tierSlug = patch.tier() == null ? current.tier() : Slugs.require("tier", patch.tier());
    Tier tier = stores.definitions().findTier(tenantId, tierSlug)
        .orElseThrow(() -> new UnknownReferenceException("tier", "tier '" + tierSlug + "' does not exist"));
    Instant startsAt = LicensePatch.apply(patch.startsAt(), current.startsAt());
    Instant expiresAt = LicensePatch.apply(patch.expiresAt(), current.expiresAt());
    requireDates(startsAt, LicensePatch.apply(patch.trialEndsAt(), current.trialEndsAt()), expiresAt);
    Map<String, EntitlementValue> overrides = new LinkedHashMap<>(current.overrides());
    if (patch.overrides() != null) {
      Map<String, JsonNode> set = new LinkedHashMap<>();
      patch.overrides().forEach((slug, value) -> {
        if (value == null || value.isNull()) {
          overrides.remove(slug);
        } else {
          set.put(slug, value);
        }
      });
      overrides.putAll(values(tenantId, "overrides", set));
    }
    Instant now = clock.instant();
    License updated = new License(id, current.customerId(), tier.slug(),
        patch.status() == null ? current.status() : patch.status(), startsAt,
        LicensePatch.apply(patch.trialEndsAt(), current.trialEndsAt()), expiresAt, overrides, current.createdAt(), now);
    List<Event> changes = LicenseChanges.between(current, updated, rank(tenantId, current.tier()), tier.rank()).stream()
        .map(change -> {
          ObjectNode data = EventData.of(updated);
          data.put("previous_tier", current.tier());
          data.put("previous_status", current.status().name());
          return event(caller, change, data);
        }).toList();
    ChangeRecords records = journal.records(tenantId, "license.updated", id, changes);
    stores.licenses().updateLicense(tenantId, current, updated,
        LifecycleTimer.changedFor(tenantId, current, updated, trialNotice, now), records);
    return updated;
  }

  public License license(ApiToken caller, String id) {
    caller.requireAdmin();
    return stores.licenses().findLicense(caller.tenantId(), id).orElseThrow(() -> new NotFoundException("license", id));
  }

  /** Deletes a license that has no instance left; its usage counters are kept for the record. */
  public void deleteLicense(ApiToken caller, String id) {
    License current = license(caller, id);
    ChangeRecords records = records(caller, "license.deleted", id,
        event(caller, EventType.LICENSE_DELETED, EventData.of(current)));
    stores.licenses().deleteLicense(caller.tenantId(), id, records);
  }

  /** Creates an instance and its instance token. */
  public InstanceCreated createInstance(
      ApiToken caller, String id, String licenseId, String name, Map<String, String> labels) {
    caller.requireAdmin();
    Text.id("license_id", licenseId);
    if (stores.licenses().findLicense(caller.tenantId(), licenseId).isEmpty()) {
      throw new UnknownReferenceException("license_id", "license '" + licenseId + "' does not exist");
    }
    if (name != null && !name.isBlank()) {
      Text.name("name", name);
    }
    Text.entries("labels", labels);
    Instant now = clock.instant();
    Instance instance = new Instance(id, licenseId, name, labels, now);
    ChangeRecords records = records(caller, "instance.created", instance.id(),
        event(caller, EventType.INSTANCE_CREATED, EventData.of(instance)));
    // The instance, its token, its event and its record: one transaction.
    IssuedToken token = newToken(caller.tenantId(), TokenScope.INSTANCE, instance.id(), licenseId);
    stores.instances().createInstance(caller.tenantId(), instance, tokens.issuing(Secrets.hash(token.secret()), token.token()),
        records);
    return new InstanceCreated(instance, token.token(), token.secret());
  }

  public Page<Entitlement> entitlements(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return stores.entitlements().entitlements(caller.tenantId(), page);
  }

  public Page<Tier> tiers(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return stores.tiers().tiers(caller.tenantId(), page);
  }

  public Page<Customer> customers(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return stores.customers().customers(caller.tenantId(), page);
  }

  public Page<License> licenses(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return stores.licenses().licenses(caller.tenantId(), page);
  }

  public Page<Instance> instances(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return stores.instances().instances(caller.tenantId(), page);
  }

  /** A new admin token for the caller's tenant. */
  public IssuedToken createAdminToken(ApiToken caller) {
    caller.requireAdmin();
    IssuedToken token = newToken(caller.tenantId(), TokenScope.ADMIN, null, null);
    tokens.put(Secrets.hash(token.secret()), token.token(),
        journal.records(caller.tenantId(), "token.created", token.token().id(), List.of()));
    return token;
  }

  /** The tenant's tokens, admin and instance, without their secrets. */
  public List<ApiToken> tokens(ApiToken caller) {
    caller.requireAdmin();
    return tokens.tokensOf(caller.tenantId());
  }

  /** Revokes a token: it stops working at once. A token cannot revoke itself, so a tenant always keeps one. */
  public void revokeToken(ApiToken caller, String tokenId) {
    caller.requireAdmin();
    if (caller.id().equals(tokenId)) {
      throw new ConflictException(null, "a token cannot revoke itself; revoke it with another admin token");
    }
    if (!tokens.delete(caller.tenantId(), tokenId, journal.records(caller.tenantId(), "token.revoked", tokenId, List.of()))) {
      throw new NotFoundException("token", tokenId);
    }
  }

  /** A new token for the instance; its old tokens stop working at once. */
  public IssuedToken rotateInstanceToken(ApiToken caller, String instanceId) {
    Instance instance = instance(caller, instanceId);
    IssuedToken token = newToken(caller.tenantId(), TokenScope.INSTANCE, instance.id(), instance.licenseId());
    ObjectNode data = EventData.of(instance);
    data.put("token_rotated", true);
    ChangeRecords records = records(caller, "instance.token_rotated", instance.id(),
        event(caller, EventType.INSTANCE_UPDATED, data));
    tokens.replaceInstanceTokens(caller.tenantId(), instance.id(), Secrets.hash(token.secret()), token.token(), records);
    return token;
  }

  private IssuedToken newToken(String tenantId, TokenScope scope, String instanceId, String licenseId) {
    Instant now = clock.instant();
    return new IssuedToken(
        new ApiToken(Ids.newId("tok", now), tenantId, scope, instanceId, licenseId, now), Secrets.newToken());
  }

  public Instance instance(ApiToken caller, String id) {
    caller.requireAdmin();
    return stores.instances().findInstance(caller.tenantId(), id).orElseThrow(() -> new NotFoundException("instance", id));
  }

  /** Changes an instance's name or labels; it stays with its license. */
  public Instance updateInstance(ApiToken caller, String id, UnaryOperator<Instance> change) {
    Instance current = instance(caller, id);
    Instance wanted = change.apply(current);
    requireSame("license_id", current.licenseId(), wanted.licenseId());
    if (!current.name().equals(wanted.name())) {
      Text.name("name", wanted.name());
    }
    Text.changedEntries("labels", current.labels(), wanted.labels());
    Instance updated =
        new Instance(id, current.licenseId(), wanted.name(), wanted.labels(), current.createdAt(), clock.instant());
    ChangeRecords records = records(caller, "instance.updated", id,
        event(caller, EventType.INSTANCE_UPDATED, EventData.of(updated)));
    stores.instances().updateInstance(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes an instance and its tokens, which stop working at once; its usage counters are kept. */
  public void deleteInstance(ApiToken caller, String id) {
    Instance current = instance(caller, id);
    ChangeRecords records = records(caller, "instance.deleted", id,
        event(caller, EventType.INSTANCE_DELETED, EventData.of(current)));
    stores.instances().deleteInstance(caller.tenantId(), id, tokens.revokingInstance(caller.tenantId(), id), records);
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

  /** The rank of a tier that may since have been deleted: then it ranks below every tier. */
  private int rank(String tenantId, String tier) {
    return stores.definitions().findTier(tenantId, tier).map(Tier::rank).orElse(Integer.MIN_VALUE);
  }

  private static void requireSame(String field, Object stored, Object wanted) {
    if (!Objects.equals(stored, wanted)) {
      throw new InvalidInputException(field, field + " cannot change once created");
    }
  }

  /** Where the tenant gives entitlement {@code slug} a value, as "tier 'pro'" or "license 'lic_…'". */
  private Map<String, EntitlementValue> valuesGiven(String tenantId, String slug) {
    Map<String, EntitlementValue> given = new LinkedHashMap<>();
    Page.all(page -> stores.tiers().tiers(tenantId, page)).forEach(tier -> {
      if (tier.entitlements().containsKey(slug)) {
        given.put("tier '" + tier.slug() + "'", tier.entitlements().get(slug));
      }
    });
    Page.all(page -> stores.licenses().licenses(tenantId, page)).forEach(license -> {
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

  private static void requireDates(Instant startsAt, Instant trialEndsAt, Instant expiresAt) {
    Dates.require("starts_at", startsAt);
    Dates.require("trial_ends_at", trialEndsAt);
    Dates.require("expires_at", expiresAt);
    if (expiresAt != null && startsAt != null && !expiresAt.isAfter(startsAt)) {
      throw new InvalidInputException("expires_at", "expires_at must be after starts_at");
    }
  }

  /** An event of the caller's tenant, its id fixed now: the outbox keeps it, and every publish of it uses it. */
  private Event event(ApiToken caller, EventType type, ObjectNode data) {
    Instant now = clock.instant();
    return new Event(Ids.newId(Event.ID_PREFIX, now), caller.tenantId(), type, now, data);
  }

  /** The change's event and its audit record, written with it. */
  private ChangeRecords records(ApiToken caller, String auditType, String subject, Event event) {
    return journal.records(caller.tenantId(), auditType, subject, List.of(event));
  }


  /** Checks raw JSON values against the types of the entitlements they name. */
  private Map<String, EntitlementValue> values(String tenantId, String field, Map<String, JsonNode> raw) {
    Map<String, EntitlementValue> values = new LinkedHashMap<>();
    if (raw == null) {
      return values;
    }
    raw.forEach((slug, json) -> {
      String path = field + "." + slug;
      if (!Slugs.isValid(slug)) {
        throw new UnknownReferenceException(path, "entitlement slugs match ^[a-z0-9][a-z0-9-]{0,62}$; no entitlement has this one");
      }
      Entitlement entitlement = stores.definitions().findEntitlement(tenantId, slug).orElseThrow(
          () -> new UnknownReferenceException(path, "entitlement '" + slug + "' does not exist"));
      values.put(slug, EntitlementValue.fromJson(path, entitlement, json));
    });
    return values;
  }
}
