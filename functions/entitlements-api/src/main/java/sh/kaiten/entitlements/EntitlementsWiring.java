package sh.kaiten.entitlements;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;

/** Builds the use case this function serves. */
public class EntitlementsWiring {

  @Produces
  @Singleton
  EntitlementQueries queries(CatalogStore catalog, InstanceReads reads, UsageCounters counters, Clock clock) {
    return new EntitlementQueries(
        new CachedDefinitions(catalog, clock, CachedDefinitions.TTL), reads, counters, clock);
  }
}
