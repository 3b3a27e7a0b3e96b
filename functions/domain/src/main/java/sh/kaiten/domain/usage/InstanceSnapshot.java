package sh.kaiten.domain.usage;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.license.License;

/**
 * Everything an SDK needs to decide checks in-process: every entitlement of the tenant evaluated
 * for the instance, in slug order, and the license as stored, so that the SDK can apply a trial end
 * or an expiry at its instant without asking again.
 *
 * @param asOf the instant the entitlements were evaluated at
 */
public record InstanceSnapshot(
    String instanceId, License license, List<InstanceEntitlement> entitlements, Instant asOf) {
  public InstanceSnapshot {
    entitlements = List.copyOf(entitlements);
  }
}
