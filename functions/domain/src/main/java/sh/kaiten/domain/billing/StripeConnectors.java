package sh.kaiten.domain.billing;

import java.util.Optional;

/** Port: each tenant's Stripe connector (at most one per tenant). */
public interface StripeConnectors {
  Optional<StripeConnector> find(String tenantId);

  /** Creates or replaces the tenant's connector. */
  void put(StripeConnector connector);

  /**
   * @return whether there was one to delete
   */
  boolean delete(String tenantId);
}
