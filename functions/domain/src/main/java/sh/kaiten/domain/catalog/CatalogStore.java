package sh.kaiten.domain.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.lifecycle.LifecycleTimer;

/**
 * Port: a tenant's records. Every read and write names the tenant, so no call can reach another
 * tenant's data. {@code create*} refuses an id or slug already taken with a ConflictException.
 */
public interface CatalogStore {

  void createTenant(Tenant tenant);

  void createEntitlement(String tenantId, Entitlement entitlement);

  Optional<Entitlement> findEntitlement(String tenantId, String slug);

  List<Entitlement> listEntitlements(String tenantId);

  Page<Entitlement> entitlements(String tenantId, PageRequest page);

  Page<Tier> tiers(String tenantId, PageRequest page);

  Page<Customer> customers(String tenantId, PageRequest page);

  Page<License> licenses(String tenantId, PageRequest page);

  Page<Instance> instances(String tenantId, PageRequest page);

  void createTier(String tenantId, Tier tier);

  Optional<Tier> findTier(String tenantId, String slug);

  void createCustomer(String tenantId, Customer customer);

  Optional<Customer> findCustomer(String tenantId, String id);

  /** Stores the license with the timers of its dates, together or not at all. */
  void createLicense(String tenantId, License license, List<LifecycleTimer> timers);

  /**
   * Replaces the license, with the timers of the dates that changed, together or not at all.
   *
   * @param expectedUpdatedAt the {@code updatedAt} the change was made from
   * @throws sh.kaiten.domain.error.ConflictException when the license changed since
   */
  void updateLicense(String tenantId, License license, Instant expectedUpdatedAt, List<LifecycleTimer> timers);

  Optional<License> findLicense(String tenantId, String id);

  void createInstance(String tenantId, Instance instance);

  Optional<Instance> findInstance(String tenantId, String id);
}
