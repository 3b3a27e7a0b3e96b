package sh.kaiten.domain.license;

import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.error.NotFoundException;

/** Loads what every data-plane request needs, checking the caller may act for the instance. */
public final class InstanceLookup {
  private final CatalogStore catalog;

  public InstanceLookup(CatalogStore catalog) {
    this.catalog = catalog;
  }

  /**
   * The instance, its license and tier, read now (never cached, so a license change applies on the
   * very next request). An instance of another tenant is not found, as if it did not exist.
   */
  public InstanceContext load(ApiToken caller, String instanceId) {
    caller.requireInstance(instanceId);
    String tenantId = caller.tenantId();
    Instance instance =
        catalog.findInstance(tenantId, instanceId).orElseThrow(() -> new NotFoundException("instance", instanceId));
    License license = catalog
        .findLicense(tenantId, instance.licenseId())
        .orElseThrow(() -> new NotFoundException("license", instance.licenseId()));
    return new InstanceContext(tenantId, instance, license, catalog.findTier(tenantId, license.tier()).orElse(null));
  }
}
