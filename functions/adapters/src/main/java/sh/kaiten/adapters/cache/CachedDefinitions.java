package sh.kaiten.adapters.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;

/**
 * The definitions for the read path, kept in the function for at most {@code ttl} (5 s in the
 * functions): a warm function then reads only what must be fresh on every request, the token, the
 * instance and its license, which are other ports and never pass here. Only what was found is kept:
 * a miss is read again, so a just-created entitlement or tier is known at once.
 */
public final class CachedDefinitions implements Definitions {
  /**
   * How long the read functions keep definitions: a tier or entitlement change reaches them within
   * it.
   */
  public static final Duration TTL = Duration.ofSeconds(5);

  /**
   * Beyond this many entries the cache starts over, so memory stays bounded whatever the tenants.
   */
  private static final int MAX_ENTRIES = 10_000;

  private record Entry(Object value, Instant expires) {}

  private final Definitions definitions;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public CachedDefinitions(Definitions definitions, Clock clock, Duration ttl) {
    this.definitions = definitions;
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
    List<Entitlement> fresh = definitions.listEntitlements(tenantId);
    keep(entitlementsKey(tenantId), fresh);
    return find(fresh, slug);
  }

  @Override
  public List<Entitlement> listEntitlements(String tenantId) {
    return cached(entitlementsKey(tenantId), () -> definitions.listEntitlements(tenantId));
  }

  @Override
  public Optional<Tier> findTier(String tenantId, String slug) {
    String key = tenantId + "/tier/" + slug;
    Optional<Tier> cached = this.<Optional<Tier>>fresh(key);
    if (cached != null) {
      return cached;
    }
    Optional<Tier> read = definitions.findTier(tenantId, slug);
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
}
