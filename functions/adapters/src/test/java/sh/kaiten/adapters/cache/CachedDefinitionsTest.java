package sh.kaiten.adapters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Tier;

class CachedDefinitionsTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  /**
   * Definitions that record the calls they get; they hold the entitlements and tiers the test puts
   * in.
   */
  private final List<String> calls = new ArrayList<>();

  private final List<Entitlement> stored = new ArrayList<>(List.of(entitlement("sso")));
  private final Map<String, Tier> tiers = new HashMap<>(Map.of("pro", tier("pro")));
  private final Definitions definitions =
      (Definitions)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Definitions.class},
              (proxy, method, args) -> {
                calls.add(method.getName());
                return switch (method.getName()) {
                  case "listEntitlements" -> List.copyOf(stored);
                  case "findTier" -> Optional.ofNullable(tiers.get((String) args[1]));
                  default -> null;
                };
              });

  private static Entitlement entitlement(String slug) {
    return new Entitlement(slug, slug, EntitlementType.BOOLEAN, null, null, START);
  }

  private static Tier tier(String slug) {
    return new Tier(slug, slug, 1, Map.of(), START);
  }

  /** A clock the test moves. */
  private Instant now = START;

  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final CachedDefinitions cached =
      new CachedDefinitions(definitions, clock, Duration.ofSeconds(5));

  @Test
  void definitionsAreReadOnceInFiveSecondsAndAgainAfter() {
    assertThat(cached.findEntitlement("tnt_a", "sso")).isPresent();
    cached.listEntitlements("tnt_a");
    cached.findTier("tnt_a", "pro");
    now = START.plusMillis(4999);
    cached.findEntitlement("tnt_a", "sso");
    cached.findTier("tnt_a", "pro");
    assertThat(calls).containsExactly("listEntitlements", "findTier");

    now = START.plusSeconds(5);
    cached.findEntitlement("tnt_a", "sso");
    cached.findTier("tnt_a", "pro");
    assertThat(calls)
        .containsExactly("listEntitlements", "findTier", "listEntitlements", "findTier");
  }

  @Test
  void aJustCreatedEntitlementIsFoundAtOnce() {
    assertThat(cached.findEntitlement("tnt_a", "seats")).isEmpty();
    assertThat(cached.findEntitlement("tnt_a", "sso")).isPresent();
    stored.add(entitlement("seats"));

    assertThat(cached.findEntitlement("tnt_a", "seats")).map(Entitlement::slug).contains("seats");
    assertThat(cached.listEntitlements("tnt_a"))
        .extracting(Entitlement::slug)
        .containsExactly("sso", "seats");
    assertThat(calls).containsExactly("listEntitlements", "listEntitlements", "listEntitlements");
  }

  @Test
  void aJustCreatedTierIsFoundAtOnceAndThenServedFromTheCache() {
    assertThat(cached.findTier("tnt_a", "team")).isEmpty();
    tiers.put("team", tier("team"));

    assertThat(cached.findTier("tnt_a", "team")).map(Tier::slug).contains("team");
    assertThat(cached.findTier("tnt_a", "team")).map(Tier::slug).contains("team");
    assertThat(calls).containsExactly("findTier", "findTier");
  }

  @Test
  void eachTenantHasItsOwnDefinitions() {
    cached.listEntitlements("tnt_a");
    cached.listEntitlements("tnt_b");

    assertThat(calls).containsExactly("listEntitlements", "listEntitlements");
  }

  /**
   * License, instance and token state can never be cached: the port the cache wraps does not read
   * them.
   */
  @Test
  void onlyDefinitionsPassThroughTheCache() {
    assertThat(Definitions.class.getMethods())
        .extracting(Method::getName)
        .containsExactlyInAnyOrder("findEntitlement", "listEntitlements", "findTier");
  }
}
