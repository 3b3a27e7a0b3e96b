package sh.kaiten.domain.access;

import java.time.Duration;
import java.util.Optional;

/**
 * Port: each tenant's budget of API requests, shared by every function instance that serves it, so
 * one tenant's flood cannot take the capacity the others need.
 */
public interface RequestBudget {

  /** No budget: every request goes on (functions without a budget table). */
  RequestBudget UNLIMITED = tenantId -> Optional.empty();

  /**
   * Takes one request from the tenant's budget.
   *
   * @return empty when the request may go on; otherwise how long until the budget has room again
   */
  Optional<Duration> admit(String tenantId);
}
