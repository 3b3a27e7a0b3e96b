package sh.kaiten.domain.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: a tenant's records. Every read and write names the tenant, so no call can reach another
 * tenant's data. {@code create*} refuses an id or slug already taken with a ConflictException.
 *
 * <p>{@code update*} stores a record only if it is unchanged since {@code expectedUpdatedAt}, and
 * otherwise throws a ConflictException. The store keeps references whole under concurrency: a
 * license names an existing tier and customer, an instance an existing license, and a tier,
 * customer or license cannot be deleted while something names it (ConflictException). {@code
 * delete*} of a record that is not there throws a NotFoundException.
 *
 * <p>Every change is written with its {@link ChangeRecords} (its events and audit records) as one
 * transaction: all of it is stored, or none of it.
 */
public interface CatalogStore {

  /** Creates the tenant, lists it among all tenants and stores its first admin token, together. */
  void createTenant(Tenant tenant, TokenWrites adminToken, ChangeRecords records);

  /** Every tenant, a page at a time (for jobs that run per tenant; no request reaches this). */
  Page<Tenant> tenants(PageRequest page);

  void createEntitlement(String tenantId, Entitlement entitlement, ChangeRecords records);

  Optional<Entitlement> findEntitlement(String tenantId, String slug);

  List<Entitlement> listEntitlements(String tenantId);

  Page<Entitlement> entitlements(String tenantId, PageRequest page);

  Page<Tier> tiers(String tenantId, PageRequest page);

  Page<Customer> customers(String tenantId, PageRequest page);

  Page<License> licenses(String tenantId, PageRequest page);

  Page<Instance> instances(String tenantId, PageRequest page);

  void createTier(String tenantId, Tier tier, ChangeRecords records);

  Optional<Tier> findTier(String tenantId, String slug);

  void createCustomer(String tenantId, Customer customer, ChangeRecords records);

  Optional<Customer> findCustomer(String tenantId, String id);

  /** Stores the license with the timers of its dates, together or not at all. */
  void createLicense(String tenantId, License license, List<LifecycleTimer> timers, ChangeRecords records);

  /**
   * Replaces the license, with the timers of the dates that changed, together or not at all.
   *
   * @param previous the license as read when the change was made
   * @throws sh.kaiten.domain.error.ConflictException when the license changed since
   */
  void updateLicense(String tenantId, License previous, License updated, List<LifecycleTimer> timers, ChangeRecords records);

  Optional<License> findLicense(String tenantId, String id);

  /** Creates the instance, counts it on its license and stores its token, together. */
  void createInstance(String tenantId, Instance instance, TokenWrites token, ChangeRecords records);

  Optional<Instance> findInstance(String tenantId, String id);

  void updateEntitlement(String tenantId, Entitlement entitlement, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteEntitlement(String tenantId, String slug, ChangeRecords records);

  void updateTier(String tenantId, Tier tier, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteTier(String tenantId, String slug, ChangeRecords records);

  void updateCustomer(String tenantId, Customer customer, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteCustomer(String tenantId, String id, ChangeRecords records);

  /** Deletes the license; its timers stay and find nothing to fire. */
  void deleteLicense(String tenantId, String id, ChangeRecords records);

  void updateInstance(String tenantId, Instance instance, Instant expectedUpdatedAt, ChangeRecords records);

  /** Deletes the instance, counts it off its license and removes its tokens, together. */
  void deleteInstance(String tenantId, String id, TokenWrites tokens, ChangeRecords records);
}
