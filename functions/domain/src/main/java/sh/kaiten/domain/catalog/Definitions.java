package sh.kaiten.domain.catalog;

import java.util.List;
import java.util.Optional;

/**
 * Port: the definitions a decision reads, a tenant's entitlements and tiers. The read functions may
 * keep them for a few seconds (DESIGN §3); nothing else about a tenant may be kept.
 */
public interface Definitions {

  Optional<Entitlement> findEntitlement(String tenantId, String slug);

  /** Every entitlement of the tenant, by slug. */
  List<Entitlement> listEntitlements(String tenantId);

  Optional<Tier> findTier(String tenantId, String slug);
}
