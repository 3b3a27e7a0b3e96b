package sh.kaiten.adapters.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Page;
import sh.kaiten.domain.catalog.PageRequest;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The catalog for the read path, with tier and entitlement definitions kept in the function for
 * at most {@code ttl} (5 s in the functions): a warm function then reads only what must be fresh
 * on every request, the token, the instance and its license. Everything else passes through.
 * Only what was found is kept: a miss is read again, so a just-created entitlement or tier is
 * known at once.
 */
public final class CachedDefinitions implements CatalogStore {
  /** How long the read functions keep definitions: a tier or entitlement change reaches them within it. */
  public static final Duration TTL = Duration.ofSeconds(5);
  /** Beyond this many entries the cache starts over, so memory stays bounded whatever the tenants. */
  private static final int MAX_ENTRIES = 10_000;

  private record Entry(Object value, Instant expires) {}

  private final CatalogStore catalog;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public CachedDefinitions(CatalogStore catalog, Clock clock, Duration ttl) {
    this.catalog = catalog;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * From the tenant's cached list: one read serves every entitlement for the next 5 seconds. A slug
   * the cached list lacks reads the list again (it may have been created since).
   */
  @Override
  public Optional<Entitlement> findEntitlement(String tenantId, String slug) {
    Optional<Entitlement> cached = find(listEntitlements(tenantId), slug);
    if (cached.isPresent()) {
      return cached;
    }
    List<Entitlement> fresh = catalog.listEntitlements(tenantId);
    keep(entitlementsKey(tenantId), fresh);
    return find(fresh, slug);
  }

  @Override
  public List<Entitlement> listEntitlements(String tenantId) {
    return cached(entitlementsKey(tenantId), () -> catalog.listEntitlements(tenantId));
  }

  @Override
  public Optional<Tier> findTier(String tenantId, String slug) {
    String key = tenantId + "/tier/" + slug;
    Optional<Tier> cached = this.<Optional<Tier>>fresh(key);
    if (cached != null) {
      return cached;
    }
    Optional<Tier> read = catalog.findTier(tenantId, slug);
    read.ifPresent(tier -> keep(key, read));
    return read;
  }

  private static String entitlementsKey(String tenantId) {
    return tenantId + "/entitlements";
  }

  private static Optional<Entitlement> find(List<Entitlement> entitlements, String slug) {
    return entitlements.stream().filter(entitlement -> entitlement.slug().equals(slug)).findFirst();
  }

  private <T> T cached(String key, Supplier<T> read) {
    T value = fresh(key);
    if (value == null) {
      value = read.get();
      keep(key, value);
    }
    return value;
  }

  /** The value kept under {@code key} if it has not expired, else null. */
  @SuppressWarnings("unchecked")
  private <T> T fresh(String key) {
    Entry entry = entries.get(key);
    return entry == null || !clock.instant().isBefore(entry.expires()) ? null : (T) entry.value();
  }

  private void keep(String key, Object value) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry(value, clock.instant().plus(ttl)));
  }

  // Everything below is read or written as it is: license state must be fresh on every request.

  @Override public void createTenant(Tenant tenant, TokenWrites w, ChangeRecords r) { catalog.createTenant(tenant, w, r); }
  @Override public Page<Tenant> tenants(PageRequest p) { return catalog.tenants(p); }
  @Override public void createEntitlement(String t, Entitlement e, ChangeRecords r) { catalog.createEntitlement(t, e, r); }
  @Override public Page<Entitlement> entitlements(String t, PageRequest p) { return catalog.entitlements(t, p); }
  @Override public void createTier(String t, Tier tier, ChangeRecords r) { catalog.createTier(t, tier, r); }
  @Override public Page<Tier> tiers(String t, PageRequest p) { return catalog.tiers(t, p); }
  @Override public void createCustomer(String t, Customer c, ChangeRecords r) { catalog.createCustomer(t, c, r); }
  @Override public Optional<Customer> findCustomer(String t, String id) { return catalog.findCustomer(t, id); }
  @Override public Page<Customer> customers(String t, PageRequest p) { return catalog.customers(t, p); }

  @Override
  public void createLicense(String t, License l, List<LifecycleTimer> timers, ChangeRecords r) {
    catalog.createLicense(t, l, timers, r);
  }

  @Override
  public void updateLicense(String t, License previous, License l, List<LifecycleTimer> timers, ChangeRecords r) {
    catalog.updateLicense(t, previous, l, timers, r);
  }

  @Override public void updateEntitlement(String t, Entitlement e, Instant at, ChangeRecords r) { catalog.updateEntitlement(t, e, at, r); }
  @Override public void deleteEntitlement(String t, String slug, ChangeRecords r) { catalog.deleteEntitlement(t, slug, r); }
  @Override public void updateTier(String t, Tier tier, Instant at, ChangeRecords r) { catalog.updateTier(t, tier, at, r); }
  @Override public void deleteTier(String t, String slug, ChangeRecords r) { catalog.deleteTier(t, slug, r); }
  @Override public void updateCustomer(String t, Customer c, Instant at, ChangeRecords r) { catalog.updateCustomer(t, c, at, r); }
  @Override public void deleteCustomer(String t, String id, ChangeRecords r) { catalog.deleteCustomer(t, id, r); }
  @Override public void deleteLicense(String t, String id, ChangeRecords r) { catalog.deleteLicense(t, id, r); }
  @Override public void updateInstance(String t, Instance i, Instant at, ChangeRecords r) { catalog.updateInstance(t, i, at, r); }
  @Override public void deleteInstance(String t, String id, TokenWrites w, ChangeRecords r) { catalog.deleteInstance(t, id, w, r); }

  @Override public Optional<License> findLicense(String t, String id) { return catalog.findLicense(t, id); }
  @Override public Page<License> licenses(String t, PageRequest p) { return catalog.licenses(t, p); }
  @Override public void createInstance(String t, Instance i, TokenWrites w, ChangeRecords r) { catalog.createInstance(t, i, w, r); }
  @Override public Optional<Instance> findInstance(String t, String id) { return catalog.findInstance(t, id); }
  @Override public Page<Instance> instances(String t, PageRequest p) { return catalog.instances(t, p); }
}
