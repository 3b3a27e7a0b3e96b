package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogChange;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementStore;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.catalog.TierStore;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.WebhookEndpoint;

/**
 * The catalog's ports in memory, for unit tests: one map for all of them, since references cross
 * them (a license names a tier and a customer, an instance a license).
 */
public final class InMemoryCatalog
    implements TenantStore,
        Definitions,
        EntitlementStore,
        TierStore,
        CustomerStore,
        LicenseStore,
        InstanceStore,
        CatalogChangeStore {
  private final Map<String, Object> records = new ConcurrentHashMap<>();

  /** What each change wrote with itself. */
  public final InMemoryOutbox outbox = new InMemoryOutbox();

  /** The webhook endpoints a catalog apply writes with the catalog's records. */
  public final InMemoryWebhooks webhooks = new InMemoryWebhooks();

  private volatile boolean failNext;

  /** Every port of the control plane on this catalog, with {@code tokens}. */
  public AdminStores adminStores(TokenStore tokens) {
    return new AdminStores(this, this, this, this, this, this, this, tokens);
  }

  /** The instance lookup of the data plane on this catalog. */
  public InstanceLookup lookup(InstanceReads reads) {
    return new InstanceLookup(this, this, this, reads);
  }

  /** The next change fails as a cancelled transaction would: nothing of it is stored. */
  public void failNextChange() {
    failNext = true;
  }

  /** Runs a change and stores its records with it, or neither. */
  private synchronized void change(ChangeRecords written, Runnable change) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("the transaction was cancelled");
    }
    change.run();
    outbox.write(written);
  }

  private void create(String key, Object record) {
    if (records.putIfAbsent(key, record) != null) {
      throw new ConflictException(null, key + " already exists");
    }
  }

  /**
   * A reference to a record that is not there is refused, as the table's condition on its count
   * refuses it.
   */
  private void requireExists(String key, String field, String message) {
    if (!records.containsKey(key)) {
      throw new UnknownReferenceException(field, message);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Optional<T> find(String key) {
    return Optional.ofNullable((T) records.get(key));
  }

  @Override
  public void createTenant(Tenant tenant, TokenWrites w, ChangeRecords r) {
    change(
        r,
        () -> {
          create("tenant/" + tenant.id(), tenant);
          InMemoryTokens.apply(w);
        });
  }

  @Override
  public Page<Tenant> tenants(PageRequest p) {
    return page("tenant/", p);
  }

  @Override
  public void createEntitlement(String t, Entitlement e, ChangeRecords r) {
    change(r, () -> create(t + "/entitlement/" + e.slug(), e));
  }

  @Override
  public Optional<Entitlement> findEntitlement(String t, String slug) {
    return find(t + "/entitlement/" + slug);
  }

  @Override
  public List<Entitlement> listEntitlements(String t) {
    return records.entrySet().stream()
        .filter(e -> e.getKey().startsWith(t + "/entitlement/"))
        .map(e -> (Entitlement) e.getValue())
        .sorted((a, b) -> a.slug().compareTo(b.slug()))
        .toList();
  }

  @Override
  public void createTier(String t, Tier tier, ChangeRecords r) {
    change(r, () -> create(t + "/tier/" + tier.slug(), tier));
  }

  @Override
  public Optional<Tier> findTier(String t, String slug) {
    return find(t + "/tier/" + slug);
  }

  @Override
  public void createCustomer(String t, Customer c, ChangeRecords r) {
    change(r, () -> create(t + "/customer/" + c.id(), c));
  }

  @Override
  public Optional<Customer> findCustomer(String t, String id) {
    return find(t + "/customer/" + id);
  }

  /** Where createLicense files the timers of a license's dates. */
  public final InMemoryLifecycleTimers timers = new InMemoryLifecycleTimers();

  @Override
  public void createLicense(String t, License l, List<LifecycleTimer> timers, ChangeRecords r) {
    change(
        r,
        () -> {
          requireExists(t + "/tier/" + l.tier(), "tier", "tier '" + l.tier() + "' does not exist");
          requireExists(
              t + "/customer/" + l.customerId(),
              "customer_id",
              "customer '" + l.customerId() + "' does not exist");
          create(t + "/license/" + l.id(), l);
          timers.forEach(this.timers::add);
        });
  }

  @Override
  public void updateLicense(
      String t, License previous, License l, List<LifecycleTimer> timers, ChangeRecords r) {
    change(
        r,
        () -> {
          License current = (License) records.get(t + "/license/" + l.id());
          if (current == null || !current.updatedAt().equals(previous.updatedAt())) {
            throw new ConflictException(null, "license " + l.id() + " changed since it was read");
          }
          requireExists(t + "/tier/" + l.tier(), "tier", "tier '" + l.tier() + "' does not exist");
          records.put(t + "/license/" + l.id(), l);
          timers.forEach(this.timers::add);
        });
  }

  /** A change of a license behind the use cases' back: its timers stay as they were. */
  public void replaceLicense(String t, License l) {
    records.put(t + "/license/" + l.id(), l);
  }

  @Override
  public Optional<License> findLicense(String t, String id) {
    return find(t + "/license/" + id);
  }

  @Override
  public void createInstance(String t, Instance i, TokenWrites w, ChangeRecords r) {
    change(
        r,
        () -> {
          requireExists(
              t + "/license/" + i.licenseId(),
              "license_id",
              "license '" + i.licenseId() + "' does not exist");
          create(t + "/instance/" + i.id(), i);
          InMemoryTokens.apply(w);
        });
  }

  /** An instance seeded without a token. */
  public void createInstance(String t, Instance i, ChangeRecords r) {
    createInstance(t, i, InMemoryTokens.NO_WRITES, r);
  }

  @Override
  public Optional<Instance> findInstance(String t, String id) {
    return find(t + "/instance/" + id);
  }

  @Override
  public void updateEntitlement(
      String t, Entitlement e, Instant expectedUpdatedAt, ChangeRecords r) {
    change(
        r,
        () ->
            replace(t + "/entitlement/" + e.slug(), e, expectedUpdatedAt, Entitlement::updatedAt));
  }

  @Override
  public void deleteEntitlement(String t, String slug, ChangeRecords r) {
    change(r, () -> delete(t + "/entitlement/" + slug, null));
  }

  @Override
  public void updateTier(String t, Tier tier, Instant expectedUpdatedAt, ChangeRecords r) {
    change(r, () -> replace(t + "/tier/" + tier.slug(), tier, expectedUpdatedAt, Tier::updatedAt));
  }

  @Override
  public void deleteTier(String t, String slug, ChangeRecords r) {
    change(
        r,
        () ->
            delete(
                t + "/tier/" + slug,
                () -> references(t + "/license/", License.class, l -> l.tier().equals(slug))));
  }

  @Override
  public void updateCustomer(String t, Customer c, Instant expectedUpdatedAt, ChangeRecords r) {
    change(r, () -> replace(t + "/customer/" + c.id(), c, expectedUpdatedAt, Customer::updatedAt));
  }

  @Override
  public void deleteCustomer(String t, String id, ChangeRecords r) {
    change(
        r,
        () ->
            delete(
                t + "/customer/" + id,
                () -> references(t + "/license/", License.class, l -> l.customerId().equals(id))));
  }

  @Override
  public void deleteLicense(String t, String id, ChangeRecords r) {
    change(
        r,
        () ->
            delete(
                t + "/license/" + id,
                () -> references(t + "/instance/", Instance.class, i -> i.licenseId().equals(id))));
  }

  @Override
  public void updateInstance(String t, Instance i, Instant expectedUpdatedAt, ChangeRecords r) {
    change(r, () -> replace(t + "/instance/" + i.id(), i, expectedUpdatedAt, Instance::updatedAt));
  }

  @Override
  public void deleteInstance(String t, String id, TokenWrites w, ChangeRecords r) {
    change(
        r,
        () -> {
          delete(t + "/instance/" + id, null);
          InMemoryTokens.apply(w);
        });
  }

  /**
   * Each change as its single store makes it, in order; when one is refused, the catalog is put
   * back as it was, so none of them stays.
   */
  @Override
  public synchronized void applyChanges(String t, List<CatalogChange> changes, ChangeRecords r) {
    Map<String, Object> before = new HashMap<>(records);
    Map<String, WebhookEndpoint> endpointsBefore = webhooks.endpointsSnapshot();
    try {
      change(r, () -> changes.forEach(c -> applyChange(t, c)));
    } catch (RuntimeException refused) {
      records.clear();
      records.putAll(before);
      webhooks.restoreEndpoints(endpointsBefore);
      throw refused;
    }
  }

  private void applyChange(String t, CatalogChange change) {
    if (change instanceof CatalogChange.EntitlementCreated c) {
      create(t + "/entitlement/" + c.entitlement().slug(), c.entitlement());
    } else if (change instanceof CatalogChange.EntitlementUpdated u) {
      replace(
          t + "/entitlement/" + u.entitlement().slug(),
          u.entitlement(),
          u.expectedUpdatedAt(),
          Entitlement::updatedAt);
    } else if (change instanceof CatalogChange.EntitlementDeleted d) {
      delete(t + "/entitlement/" + d.slug(), null);
    } else if (change instanceof CatalogChange.TierCreated c) {
      create(t + "/tier/" + c.tier().slug(), c.tier());
    } else if (change instanceof CatalogChange.TierUpdated u) {
      replace(t + "/tier/" + u.tier().slug(), u.tier(), u.expectedUpdatedAt(), Tier::updatedAt);
    } else if (change instanceof CatalogChange.TierDeleted d) {
      delete(
          t + "/tier/" + d.slug(),
          () -> references(t + "/license/", License.class, l -> l.tier().equals(d.slug())));
    } else if (change instanceof CatalogChange.WebhookCreated c) {
      webhooks.createEndpoint(t, c.endpoint(), ChangeRecords.NONE);
    } else if (change instanceof CatalogChange.WebhookUpdated u) {
      webhooks.updateEndpoint(t, u.endpoint(), u.expectedUpdatedAt(), ChangeRecords.NONE);
    } else if (change instanceof CatalogChange.WebhookDeleted d
        && !webhooks.deleteEndpoint(t, d.id(), ChangeRecords.NONE)) {
      throw new NotFoundException("webhook", d.id());
    }
  }

  @SuppressWarnings("unchecked")
  private synchronized <T> void replace(
      String key, T record, Instant expectedUpdatedAt, Function<T, Instant> updatedAt) {
    T current = (T) records.get(key);
    if (current == null) {
      throw new NotFoundException(key, key);
    }
    if (!updatedAt.apply(current).equals(expectedUpdatedAt)) {
      throw new ConflictException(null, key + " changed since it was read");
    }
    records.put(key, record);
  }

  private synchronized void delete(String key, BooleanSupplier referenced) {
    if (!records.containsKey(key)) {
      throw new NotFoundException(key, key);
    }
    if (referenced != null && referenced.getAsBoolean()) {
      throw new ConflictException(null, key + " is still referenced");
    }
    records.remove(key);
  }

  private <T> boolean references(String prefix, Class<T> type, Predicate<T> names) {
    return records.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith(prefix) && names.test(type.cast(e.getValue())));
  }

  @Override
  public Page<Entitlement> entitlements(String t, PageRequest p) {
    return page(t + "/entitlement/", p);
  }

  @Override
  public Page<Tier> tiers(String t, PageRequest p) {
    return page(t + "/tier/", p);
  }

  @Override
  public Page<Customer> customers(String t, PageRequest p) {
    return page(t + "/customer/", p);
  }

  @Override
  public Page<License> licenses(String t, PageRequest p) {
    return page(t + "/license/", p);
  }

  @Override
  public Page<Instance> instances(String t, PageRequest p) {
    return page(t + "/instance/", p);
  }

  /** Key order; the cursor is the last key given out. */
  @SuppressWarnings("unchecked")
  private <T> Page<T> page(String prefix, PageRequest page) {
    List<String> keys =
        records.keySet().stream()
            .filter(k -> k.startsWith(prefix))
            .filter(k -> page.cursor() == null || k.compareTo(page.cursor()) > 0)
            .sorted()
            .toList();
    List<String> taken = keys.subList(0, Math.min(page.limit(), keys.size()));
    String next = keys.size() > page.limit() ? taken.get(taken.size() - 1) : null;
    return new Page<>(taken.stream().map(k -> (T) records.get(k)).toList(), next);
  }
}
