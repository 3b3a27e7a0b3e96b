package sh.kaiten.domain.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's whole catalog, its entitlements and tiers: as stored, or as a catalog file wants it.
 * Entitlements are kept in slug order, tiers in rank then slug order, so two equal catalogs read
 * alike.
 */
public record Catalog(List<Entitlement> entitlements, List<Tier> tiers) {

  public Catalog {
    entitlements = entitlements.stream().sorted(Comparator.comparing(Entitlement::slug)).toList();
    tiers =
        tiers.stream()
            .sorted(Comparator.comparingInt(Tier::rank).thenComparing(Tier::slug))
            .toList();
  }

  public Optional<Entitlement> entitlement(String slug) {
    return entitlements.stream().filter(e -> e.slug().equals(slug)).findFirst();
  }

  public Optional<Tier> tier(String slug) {
    return tiers.stream().filter(t -> t.slug().equals(slug)).findFirst();
  }
}
