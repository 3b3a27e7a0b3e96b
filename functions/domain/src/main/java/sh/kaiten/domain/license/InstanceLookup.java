package sh.kaiten.domain.license;

import java.util.Map;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;

/** Loads what every data-plane request needs, checking the caller may act for the instance. */
public final class InstanceLookup {
  private final Definitions definitions;
  private final InstanceStore instances;
  private final LicenseStore licenses;
  private final InstanceReads reads;

  public InstanceLookup(
      Definitions definitions,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads) {
    this.definitions = definitions;
    this.instances = instances;
    this.licenses = licenses;
    this.reads = reads;
  }

  /** The counters a request expects to read, given the instance and the license its token names. */
  @FunctionalInterface
  public interface ExpectedCounters {
    ExpectedCounters NONE = (tenantId, instanceId, licenseId) -> Map.of();

    Map<CounterKey, Metering> of(String tenantId, String instanceId, String licenseId);
  }

  /** An instance in context, and the counters read with it. */
  public record Loaded(InstanceContext context, Map<CounterKey, Tally> tallies) {}

  public InstanceContext load(ApiToken caller, String instanceId) {
    return load(caller, instanceId, ExpectedCounters.NONE).context();
  }

  /**
   * The instance, its license and tier, read now (never cached, so a license change applies on the
   * very next request). An instance of another tenant is not found, as if it did not exist. An
   * instance token names its license, so instance, license and the expected counters are read in
   * one request; with an admin token they are read one after the other.
   */
  public Loaded load(ApiToken caller, String instanceId, ExpectedCounters expected) {
    caller.requireInstance(instanceId);
    String tenantId = caller.tenantId();
    InstanceReads.Snapshot read =
        caller.licenseId() != null
            ? reads.read(
                tenantId,
                instanceId,
                caller.licenseId(),
                expected.of(tenantId, instanceId, caller.licenseId()))
            : new InstanceReads.Snapshot(
                instances.findInstance(tenantId, instanceId).orElse(null), null, Map.of());
    Instance instance = read.instance();
    if (instance == null) {
      throw new NotFoundException("instance", instanceId);
    }
    if (caller.scope() == TokenScope.INSTANCE
        && caller.createdAt().isBefore(instance.createdAt())) {
      // Issued to an earlier instance of the same id, deleted since: it is not this one's token.
      throw new UnauthenticatedException("the token belongs to an instance that was deleted");
    }
    License license = read.license();
    Map<CounterKey, Tally> tallies = read.tallies();
    if (license == null || !license.id().equals(instance.licenseId())) {
      license =
          licenses
              .findLicense(tenantId, instance.licenseId())
              .orElseThrow(() -> new NotFoundException("license", instance.licenseId()));
      tallies = Map.of(); // expected under another license: not this instance's counters
    }
    return new Loaded(
        new InstanceContext(
            tenantId,
            instance,
            license,
            definitions.findTier(tenantId, license.tier()).orElse(null)),
        tallies);
  }
}
