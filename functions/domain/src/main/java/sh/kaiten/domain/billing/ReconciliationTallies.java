package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Port: what a reconciliation run's audit pages counted, per customer and entitlement, kept beside
 * the run rather than in its queue messages (which are at most 256 KB), so a step's message stays
 * small however many customers and meters a tenant has.
 */
public interface ReconciliationTallies {
  /**
   * Adds a page's totals to the run's, each pair's once for the page: a pair that has had this page
   * or a later one added is left as it is. A run's steps follow one another (a page's step is
   * queued once the step before has added its totals), so a redelivered step adds nothing twice.
   *
   * @param page the page's number in the run, from 0
   * @param keepUntil when the run's totals may be forgotten
   */
  void add(
      String tenantId,
      String runId,
      int page,
      Map<CountedUsage.Key, BigDecimal> totals,
      Instant keepUntil);

  /** The run's total of a customer's entitlement; zero when none was added. */
  BigDecimal total(String tenantId, String runId, CountedUsage.Key pair);
}
