package sh.kaiten.sdk;

import java.math.BigDecimal;

/**
 * How a leased entitlement has been decided in this client so far: counts since it was built, and
 * what it holds now. See {@link KaitenClient#use}.
 */
public final class LeaseStatistics {
  private final String entitlement;
  private final long decidedLocally;
  private final long decidedAfterRequest;
  private final long refused;
  private final long grants;
  private final BigDecimal unitsGranted;
  private final long settlements;
  private final long releases;
  private final BigDecimal holding;

  LeaseStatistics(
      String entitlement,
      long decidedLocally,
      long decidedAfterRequest,
      long refused,
      long grants,
      BigDecimal unitsGranted,
      long settlements,
      long releases,
      BigDecimal holding) {
    this.entitlement = entitlement;
    this.decidedLocally = decidedLocally;
    this.decidedAfterRequest = decidedAfterRequest;
    this.refused = refused;
    this.grants = grants;
    this.unitsGranted = unitsGranted;
    this.settlements = settlements;
    this.releases = releases;
    this.holding = holding;
  }

  public String entitlement() {
    return entitlement;
  }

  /** Allowed from a grant already held: no request, no lock, on the caller's thread. */
  public long decidedLocally() {
    return decidedLocally;
  }

  /**
   * Allowed after the caller's thread waited for a grant (its own request, or another thread's).
   */
  public long decidedAfterRequest() {
    return decidedAfterRequest;
  }

  /** Refused because the server had nothing left to grant (at once, or remembered for a moment). */
  public long refused() {
    return refused;
  }

  /** Leases granted with at least one unit, in the background or on a caller's thread. */
  public long grants() {
    return grants;
  }

  public BigDecimal unitsGranted() {
    return unitsGranted;
  }

  /** Settlements the server answered for: each moves what was spent from a lease to the usage. */
  public long settlements() {
    return settlements;
  }

  /** Leases given back early, with whatever they had left. */
  public long releases() {
    return releases;
  }

  /** Units granted to this client and not spent yet. */
  public BigDecimal holding() {
    return holding;
  }

  @Override
  public String toString() {
    return "LeaseStatistics{"
        + entitlement
        + ": "
        + decidedLocally
        + " decided locally, "
        + decidedAfterRequest
        + " after a request, "
        + refused
        + " refused; "
        + grants
        + " grants of "
        + unitsGranted.toPlainString()
        + " units, "
        + settlements
        + " settlements, "
        + releases
        + " releases; holding "
        + holding.toPlainString()
        + "}";
  }
}
