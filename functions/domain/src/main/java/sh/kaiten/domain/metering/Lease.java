package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A slice of a HARD counter's remaining quota granted to one instance until {@code expiresAt}: its
 * unused {@code units} count against the limit as if used, so grants and plain reports together
 * never pass it. Reports naming the lease move units from it to the usage; what is left at expiry
 * (or at release) returns to the pool.
 *
 * @param units what is left of the grant, not yet reported
 * @param granted what was granted
 */
public record Lease(
    String id, String instanceId, BigDecimal units, BigDecimal granted, Instant expiresAt) {

  /**
   * Whether the lease still holds its units at {@code now}: it ends at {@code expiresAt},
   * exclusive.
   */
  public boolean liveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  public Lease withUnits(BigDecimal left) {
    return new Lease(id, instanceId, left, granted, expiresAt);
  }
}
