package sh.kaiten.domain.webhooks;

import java.util.Optional;

/**
 * Port: endpoints that are not among the tenant's webhooks yet are delivered to the same way,
 * signed and retried (the CRM connector's pushes), found by the endpoint id their deliveries carry.
 */
@FunctionalInterface
public interface PushTargets {
  PushTargets NONE = (tenantId, endpointId) -> Optional.empty();

  /**
   * @return the endpoint, or empty when {@code endpointId} is not one of these (or is gone)
   */
  Optional<WebhookEndpoint> find(String tenantId, String endpointId);
}
