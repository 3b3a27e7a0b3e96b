package sh.kaiten.domain.closing;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: the counter periods whose close was announced, by tenant and period end, each kept {@link
 * #KEPT} after its end. The period closing writes them; a reconciliation of a day reads the periods
 * that ended in it, to know each {@code last} meter's final event.
 */
public interface ClosedPeriods {
  /**
   * How long after its end a closed period is kept: past a daily reconciliation's catch-up (35
   * days, Stripe's bound on a meter event's age) and an admin's window (at most 31 days) of any day
   * Stripe still takes events for, with room to spare.
   */
  Duration KEPT = Duration.ofDays(100);

  /**
   * Keeps the closed period. A period is kept once: recording it again (a close redone after a run
   * stopped short) writes the same item.
   */
  void record(ClosedPeriod closed);

  /**
   * The tenant's closed periods that ended in [from, to), by period end (then entitlement and
   * holder), a page at a time.
   */
  Page<ClosedPeriod> endingIn(String tenantId, Instant from, Instant to, PageRequest page);
}
