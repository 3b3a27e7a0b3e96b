package sh.kaiten.domain.license;

import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** Port: the tenants, the vendors every other record belongs to. */
public interface TenantStore {

  /**
   * Creates the tenant, lists it among all tenants and stores its first admin token, together;
   * refuses an id already taken (ConflictException).
   */
  void createTenant(Tenant tenant, TokenWrites adminToken, ChangeRecords records);

  /** Every tenant, a page at a time (for jobs that run per tenant; no request reaches this). */
  Page<Tenant> tenants(PageRequest page);
}
