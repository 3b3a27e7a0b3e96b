package sh.kaiten.usage;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.ThresholdSignals;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.runtime.KaitenConfig;

/** Builds the use case this function serves. */
public class UsageWiring {

  @Produces
  @Singleton
  UsageReporting reporting(
      CatalogStore catalog, InstanceReads reads, UsageCounters counters, ThresholdSignals signals, Clock clock,
      KaitenConfig config) {
    return new UsageReporting(new CachedDefinitions(catalog, clock, CachedDefinitions.TTL), reads, counters, signals, clock,
        config.usage().lateWindow());
  }
}
