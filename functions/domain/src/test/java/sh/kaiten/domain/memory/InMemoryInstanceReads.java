package sh.kaiten.domain.memory;

import java.util.Map;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.UsageCounters;

/** The instance reads port over an in-memory catalog and counters, for unit tests. */
public record InMemoryInstanceReads(InMemoryCatalog catalog, UsageCounters counters)
    implements InstanceReads {

  @Override
  public Snapshot read(
      String tenantId, String instanceId, String licenseId, Map<CounterKey, Metering> wanted) {
    return new Snapshot(
        catalog.findInstance(tenantId, instanceId).orElse(null),
        catalog.findLicense(tenantId, licenseId).orElse(null),
        counters.tallies(wanted));
  }
}
