package sh.kaiten.domain.license;

import java.util.Map;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;

/**
 * Port: what a data-plane request reads about an instance, together, so that the store can answer
 * it in one request: the instance, the license its token names, and the counters the request
 * expects to need.
 */
public interface InstanceReads {

  /**
   * What was read; {@code instance} or {@code license} is null when missing, every counter asked
   * for is there.
   */
  record Snapshot(Instance instance, License license, Map<CounterKey, Tally> tallies) {}

  Snapshot read(
      String tenantId, String instanceId, String licenseId, Map<CounterKey, Metering> counters);
}
