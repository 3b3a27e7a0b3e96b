package sh.kaiten.domain.billing;

import java.util.Optional;

/**
 * Port: each tenant's Stripe restricted API key, kept apart from the connector's settings (Secrets
 * Manager on AWS): written through the admin API, read only by billing-sync, never answered.
 */
public interface ConnectorKeys {
  Optional<String> stripeKey(String tenantId);

  void putStripeKey(String tenantId, String key);

  void deleteStripeKey(String tenantId);
}
