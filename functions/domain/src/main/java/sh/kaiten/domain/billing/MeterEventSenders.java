package sh.kaiten.domain.billing;

import java.util.Optional;

/**
 * The delivery of a tenant's meter events, through its own Stripe key; empty while the tenant has
 * no key.
 */
@FunctionalInterface
public interface MeterEventSenders {
  Optional<MeterEventDelivery> forTenant(String tenantId);
}
