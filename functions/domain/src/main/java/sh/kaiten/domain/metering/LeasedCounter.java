package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * A SUM or COUNT counter as stored with its leases, expired ones included until a write prunes
 * them.
 *
 * @param held what the store holds against the ceiling: the usage plus the units of every stored
 *     lease (live or expired); each write that changes it is conditioned on it, so the ceiling is
 *     one number
 * @param heldStored false for a counter whose item does not keep {@code held} yet (new, or written
 *     before leases existed): then {@code held} is the usage, and the first lease write sets it
 * @param leases by id
 */
public record LeasedCounter(
    Tally tally, BigDecimal held, boolean heldStored, Map<String, Lease> leases) {

  public LeasedCounter {
    leases = Map.copyOf(leases);
  }

  /** A counter never written. */
  public static final LeasedCounter EMPTY =
      new LeasedCounter(Tally.EMPTY, BigDecimal.ZERO, false, Map.of());

  public BigDecimal usage(Aggregation aggregation) {
    return tally.value(aggregation);
  }

  public Optional<Lease> lease(String id) {
    return Optional.ofNullable(leases.get(id));
  }

  /**
   * The stored leases that ended at {@code now}: a write prunes them, returning their units to the
   * pool.
   */
  public List<Lease> expired(Instant now) {
    return leases.values().stream().filter(lease -> !lease.liveAt(now)).toList();
  }

  /** The units of the leases still live at {@code now}. */
  public BigDecimal leased(Instant now) {
    return leases.values().stream()
        .filter(lease -> lease.liveAt(now))
        .map(Lease::units)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public int live(Instant now) {
    return (int) leases.values().stream().filter(lease -> lease.liveAt(now)).count();
  }

  /**
   * What counts against the ceiling at {@code now}: the usage and the live leases, never the
   * expired ones.
   */
  public BigDecimal heldAt(Instant now) {
    return held.subtract(
        expired(now).stream().map(Lease::units).reduce(BigDecimal.ZERO, BigDecimal::add));
  }

  /** What is left for grants and reports under {@code ceiling} at {@code now}: zero or more. */
  public BigDecimal available(BigDecimal ceiling, Instant now) {
    return ceiling.subtract(heldAt(now)).max(BigDecimal.ZERO);
  }
}
