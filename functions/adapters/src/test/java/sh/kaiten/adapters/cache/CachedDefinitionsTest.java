package sh.kaiten.adapters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;

class CachedDefinitionsTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  /** A catalog that records the calls it gets and holds one BOOLEAN entitlement, "sso". */
  private final List<String> calls = new ArrayList<>();
  private final CatalogStore catalog = (CatalogStore) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {CatalogStore.class}, (proxy, method, args) -> {
        calls.add(method.getName());
        return switch (method.getName()) {
          case "listEntitlements" -> List.of(new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, START));
          case "findTier", "findLicense" -> Optional.empty();
          default -> null;
        };
      });

  /** A clock the test moves. */
  private Instant now = START;
  private final Clock clock = new Clock() {
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final CachedDefinitions cached = new CachedDefinitions(catalog, clock, Duration.ofSeconds(5));

  @Test
  void definitionsAreReadOnceInFiveSecondsAndAgainAfter() {
    assertThat(cached.findEntitlement("tnt_a", "sso")).isPresent();
    assertThat(cached.findEntitlement("tnt_a", "nope")).isEmpty();
    cached.listEntitlements("tnt_a");
    cached.findTier("tnt_a", "pro");
    now = START.plusMillis(4999);
    cached.findEntitlement("tnt_a", "sso");
    cached.findTier("tnt_a", "pro");
    assertThat(calls).containsExactly("listEntitlements", "findTier");

    now = START.plusSeconds(5);
    cached.findEntitlement("tnt_a", "sso");
    cached.findTier("tnt_a", "pro");
    assertThat(calls).containsExactly("listEntitlements", "findTier", "listEntitlements", "findTier");
  }

  @Test
  void eachTenantHasItsOwnDefinitions() {
    cached.listEntitlements("tnt_a");
    cached.listEntitlements("tnt_b");

    assertThat(calls).containsExactly("listEntitlements", "listEntitlements");
  }

  @Test
  void licenseStateIsNeverCached() {
    cached.findLicense("tnt_a", "lic_1");
    cached.findLicense("tnt_a", "lic_1");

    assertThat(calls).containsExactly("findLicense", "findLicense");
  }
}
