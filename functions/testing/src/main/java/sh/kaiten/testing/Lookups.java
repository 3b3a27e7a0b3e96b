package sh.kaiten.testing;

import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;

/** The data plane's instance lookup on a test's stores, read as stored (no cache). */
public final class Lookups {
  private Lookups() {}

  public static InstanceLookup instances(AdminStores catalog, InstanceReads reads) {
    return new InstanceLookup(
        catalog.definitions(), catalog.instances(), catalog.licenses(), reads);
  }
}
