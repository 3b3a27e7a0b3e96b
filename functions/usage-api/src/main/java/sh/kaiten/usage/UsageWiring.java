package sh.kaiten.usage;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.adapters.dynamodb.ChangeItems;
import sh.kaiten.adapters.dynamodb.DynamoQuotaLeases;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.QuotaLeasing;
import sh.kaiten.domain.usage.ThresholdSignals;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.runtime.KaitenConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the use case this function serves. */
@Singleton
public class UsageWiring {
  /**
   * One cache of tier and entitlement definitions for both use cases: a report warms it for a lease
   * too.
   */
  private CachedDefinitions definitions;

  private synchronized CachedDefinitions definitions(Definitions stored, Clock clock) {
    if (definitions == null) {
      definitions = new CachedDefinitions(stored, clock, CachedDefinitions.TTL);
    }
    return definitions;
  }

  @Produces
  @Singleton
  UsageReporting reporting(
      Definitions stored,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads,
      UsageCounters counters,
      ThresholdSignals signals,
      Clock clock,
      KaitenConfig config) {
    Definitions definitions = definitions(stored, clock);
    return new UsageReporting(
        definitions,
        new InstanceLookup(definitions, instances, licenses, reads),
        counters,
        signals,
        clock,
        config.usage().lateWindow());
  }

  /**
   * Leases are kept on the Usage table's counter items, with their audit records in the same
   * writes.
   */
  @Produces
  @Singleton
  QuotaLeases leases(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoQuotaLeases(dynamo, config.table().usage(), changes);
  }

  @Produces
  @Singleton
  QuotaLeasing leasing(
      Definitions stored,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads,
      UsageCounters counters,
      QuotaLeases leases,
      ThresholdSignals signals,
      Clock clock,
      KaitenConfig config) {
    Definitions definitions = definitions(stored, clock);
    return new QuotaLeasing(
        definitions,
        new InstanceLookup(definitions, instances, licenses, reads),
        counters,
        leases,
        signals,
        clock,
        config.usage().lateWindow());
  }
}
