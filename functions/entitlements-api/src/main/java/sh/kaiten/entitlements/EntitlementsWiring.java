package sh.kaiten.entitlements;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;

/** Builds the use case this function serves. */
public class EntitlementsWiring {

  @Produces
  @Singleton
  EntitlementQueries queries(
      Definitions stored,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads,
      UsageCounters counters,
      Clock clock) {
    Definitions definitions = new CachedDefinitions(stored, clock, CachedDefinitions.TTL);
    return new EntitlementQueries(
        definitions, new InstanceLookup(definitions, instances, licenses, reads), counters, clock);
  }
}
