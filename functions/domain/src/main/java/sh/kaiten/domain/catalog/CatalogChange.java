package sh.kaiten.domain.catalog;

import java.time.Instant;

/** One write of a catalog apply ({@link CatalogChangeStore}). */
public sealed interface CatalogChange {

  record EntitlementCreated(Entitlement entitlement) implements CatalogChange {}

  /**
   * @param expectedUpdatedAt the entitlement's {@code updated_at} when the plan read it
   */
  record EntitlementUpdated(Entitlement entitlement, Instant expectedUpdatedAt)
      implements CatalogChange {}

  record EntitlementDeleted(String slug) implements CatalogChange {}

  record TierCreated(Tier tier) implements CatalogChange {}

  /**
   * @param expectedUpdatedAt the tier's {@code updated_at} when the plan read it
   */
  record TierUpdated(Tier tier, Instant expectedUpdatedAt) implements CatalogChange {}

  record TierDeleted(String slug) implements CatalogChange {}
}
