package sh.kaiten.domain.admin;

import java.time.Instant;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.webhooks.WebhookEndpoint;

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

  /** A new endpoint, with the signing secret generated for it (never in a catalog file). */
  record WebhookCreated(WebhookEndpoint endpoint) implements CatalogChange {}

  /**
   * An endpoint's settings changed, its secrets kept.
   *
   * @param expectedUpdatedAt the endpoint's {@code updated_at} when the apply read it
   */
  record WebhookUpdated(WebhookEndpoint endpoint, Instant expectedUpdatedAt)
      implements CatalogChange {}

  /** An endpoint deleted, by its id. */
  record WebhookDeleted(String id) implements CatalogChange {}
}
