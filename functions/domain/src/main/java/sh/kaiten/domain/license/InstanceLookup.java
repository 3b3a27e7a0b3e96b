package sh.kaiten.domain.license;

import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.CatalogStore.InstanceWithLicense;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnauthenticatedException;

/** Loads what every data-plane request needs, checking the caller may act for the instance. */
public final class InstanceLookup {
  private final CatalogStore catalog;

  public InstanceLookup(CatalogStore catalog) {
    this.catalog = catalog;
  }

  /**
   * The instance, its license and tier, read now (never cached, so a license change applies on the
   * very next request). An instance of another tenant is not found, as if it did not exist. An
   * instance token names its license, so instance and license are read in one request.
   */
  public InstanceContext load(ApiToken caller, String instanceId) {
    caller.requireInstance(instanceId);
    String tenantId = caller.tenantId();
    InstanceWithLicense read = caller.licenseId() != null
        ? catalog.findInstanceWithLicense(tenantId, instanceId, caller.licenseId())
        : new InstanceWithLicense(catalog.findInstance(tenantId, instanceId).orElse(null), null);
    Instance instance = read.instance();
    if (instance == null) {
      throw new NotFoundException("instance", instanceId);
    }
    if (caller.scope() == TokenScope.INSTANCE && caller.createdAt().isBefore(instance.createdAt())) {
      // Issued to an earlier instance of the same id, deleted since: it is not this one's token.
      throw new UnauthenticatedException("the token belongs to an instance that was deleted");
    }
    License license = read.license();
    if (license == null || !license.id().equals(instance.licenseId())) {
      license = catalog.findLicense(tenantId, instance.licenseId())
          .orElseThrow(() -> new NotFoundException("license", instance.licenseId()));
    }
    return new InstanceContext(tenantId, instance, license, catalog.findTier(tenantId, license.tier()).orElse(null));
  }
}
