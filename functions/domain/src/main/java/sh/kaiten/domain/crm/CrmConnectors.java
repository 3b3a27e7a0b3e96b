package sh.kaiten.domain.crm;

import java.time.LocalDate;
import java.util.Optional;

/** Port: each tenant's CRM connector (at most one per tenant), with its signing secret. */
public interface CrmConnectors {
  Optional<CrmConnector> find(String tenantId);

  /** Creates or replaces the tenant's connector. */
  void put(CrmConnector connector);

  /**
   * @return whether there was one to delete
   */
  boolean delete(String tenantId);

  /**
   * Records that {@code day}'s push went out to every customer of the tenant.
   *
   * @return false when the tenant has no connector (any more): nothing is written
   */
  boolean markDailyPushed(String tenantId, LocalDate day);
}
