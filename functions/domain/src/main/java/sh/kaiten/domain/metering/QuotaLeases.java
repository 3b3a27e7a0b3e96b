package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.time.Instant;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: leases on the quota of a HARD SUM or COUNT counter, kept on the counter's own item. Each
 * write is one atomic conditional write decided on the counter as read ({@link #read}): it holds
 * {@code held ≤ ceiling} in the store, prunes the leases {@code seen} as expired (their units leave
 * {@code held}) and stores its audit records with it. A write that finds the counter moved in a way
 * its decision did not allow for writes nothing and throws {@link CounterContendedException}: the
 * caller reads again and decides again.
 */
public interface QuotaLeases {

  /** The counter with its stored leases (a consistent read). */
  LeasedCounter read(CounterKey key, Metering metering);

  /**
   * Stores {@code lease} (granted units, not zero) and prunes the leases expired at {@code now},
   * under {@code held - expired + lease.units ≤ ceiling} and at most {@code maxLeases} leases on
   * the item after it.
   */
  void grant(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      BigDecimal ceiling,
      int maxLeases,
      Instant now,
      ChangeRecords records);

  /**
   * Counts a settlement of {@code reports} reports whose values sum to {@code value}: the counter's
   * total grows by {@code value} and its report count by {@code reports}. It takes {@code
   * fromLease} units off {@code lease} as seen, and {@code fromPool} more from the pool under the
   * ceiling (the caller decides both: under COUNT they add up to {@code reports}, under SUM to
   * {@code value}). The lease must be unchanged since {@code seen} and live at {@code now}.
   *
   * @param reports 1 or more
   * @param remember the report's idempotency key, or null
   * @return {@link CounterUpdate.Counted} ({@code before} is the usage seen), or {@link
   *     CounterUpdate.Duplicate}
   */
  CounterUpdate settle(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      LeasedCounter seen,
      Lease lease,
      BigDecimal value,
      long reports,
      Instant at,
      BigDecimal fromLease,
      BigDecimal fromPool,
      BigDecimal ceiling,
      Instant now,
      IdempotentReport remember,
      ChangeRecords records);

  /**
   * Ends {@code lease} as seen (unchanged and live at {@code now}): its units return to the pool at
   * once.
   */
  void release(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      Instant now,
      ChangeRecords records);
}
