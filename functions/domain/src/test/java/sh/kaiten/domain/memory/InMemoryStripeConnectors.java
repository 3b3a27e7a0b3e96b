package sh.kaiten.domain.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectors;

/** Stripe connectors and their keys in memory, for unit tests. */
public final class InMemoryStripeConnectors implements StripeConnectors, ConnectorKeys {
  private final Map<String, StripeConnector> connectors = new ConcurrentHashMap<>();
  private final Map<String, String> keys = new ConcurrentHashMap<>();

  @Override
  public Optional<StripeConnector> find(String tenantId) {
    return Optional.ofNullable(connectors.get(tenantId));
  }

  @Override
  public void put(StripeConnector connector) {
    connectors.put(connector.tenantId(), connector);
  }

  @Override
  public boolean delete(String tenantId) {
    return connectors.remove(tenantId) != null;
  }

  @Override
  public Optional<String> stripeKey(String tenantId) {
    return Optional.ofNullable(keys.get(tenantId));
  }

  @Override
  public void putStripeKey(String tenantId, String key) {
    keys.put(tenantId, key);
  }

  @Override
  public void deleteStripeKey(String tenantId) {
    keys.remove(tenantId);
  }
}
