package sh.kaiten.domain.catalog;

import java.time.Instant;
import java.util.Map;

/**
 * A plan: what each entitlement is worth in it. {@code rank} orders tiers, so that moving a license
 * between two of them is an upgrade or a downgrade.
 */
public record Tier(
    String slug,
    String name,
    int rank,
    Map<String, EntitlementValue> entitlements,
    Instant createdAt,
    Instant updatedAt) {

  /** A tier as first written. */
  public Tier(
      String slug,
      String name,
      int rank,
      Map<String, EntitlementValue> entitlements,
      Instant createdAt) {
    this(slug, name, rank, entitlements, createdAt, createdAt);
  }

  public Tier {
    Slugs.require("slug", slug);
    Text.required(
        "name", name); // bounded where input enters (Administration), so a stored tier always loads
    entitlements = entitlements == null ? Map.of() : Map.copyOf(entitlements);
  }
}
