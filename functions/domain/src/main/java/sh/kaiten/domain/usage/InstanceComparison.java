package sh.kaiten.domain.usage;

import java.util.List;
import sh.kaiten.domain.license.Instance;

/**
 * What an instance has now and would have after a change to its license, entitlement by
 * entitlement, in slug order.
 */
public record InstanceComparison(Instance instance, List<EntitlementComparison> entitlements) {
  public InstanceComparison {
    entitlements = List.copyOf(entitlements);
  }

  /** The entitlements the change makes different for this instance. */
  public List<EntitlementComparison> changed() {
    return entitlements.stream().filter(EntitlementComparison::changed).toList();
  }
}
