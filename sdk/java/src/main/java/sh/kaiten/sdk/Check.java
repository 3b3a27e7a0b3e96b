package sh.kaiten.sdk;

/**
 * The answer to "may this process use {@code amount} of this entitlement now", decided in process
 * from the snapshot and this process's own reports since it. Immutable; a repeated check with
 * nothing changed in between answers the same instance, so checking allocates nothing.
 *
 * <p>Numbers are doubles: exact for whole amounts up to 2^53. {@link #limit()} and {@link
 * #remaining()} are {@link Double#POSITIVE_INFINITY} when there is no limit (unlimited quotas, and
 * entitlements that are not NUMERIC).
 */
public final class Check {
  private final String entitlement;
  private final boolean allowed;
  private final Reason reason;
  private final double limit;
  private final double currentUsage;
  private final boolean stale;

  // What the answer was decided from, so the next check can tell whether it may answer this one
  // again.
  final Object decidedFrom;
  final long version;
  final double amount;
  final int phase;

  Check(
      String entitlement,
      boolean allowed,
      Reason reason,
      double limit,
      double currentUsage,
      boolean stale,
      Object decidedFrom,
      long version,
      double amount,
      int phase) {
    this.entitlement = entitlement;
    this.allowed = allowed;
    this.reason = reason;
    this.limit = limit;
    this.currentUsage = currentUsage;
    this.stale = stale;
    this.decidedFrom = decidedFrom;
    this.version = version;
    this.amount = amount;
    this.phase = phase;
  }

  public String entitlement() {
    return entitlement;
  }

  /** Whether the amount may be used. */
  public boolean allowed() {
    return allowed;
  }

  public Reason reason() {
    return reason;
  }

  /** The limit of the current period; infinite when there is none. */
  public double limit() {
    return limit;
  }

  public boolean unlimited() {
    return limit == Double.POSITIVE_INFINITY;
  }

  /**
   * Usage in the current period as this process knows it: the snapshot's, plus this process's
   * reports not yet in it. 0 for entitlements that are not metered.
   */
  public double currentUsage() {
    return currentUsage;
  }

  /** What is left before the limit (never negative); infinite when there is no limit. */
  public double remaining() {
    return limit == Double.POSITIVE_INFINITY ? limit : Math.max(0, limit - currentUsage);
  }

  /** Allowed past a SOFT limit: the usage will be counted as overage. */
  public boolean overage() {
    return reason == Reason.OVERAGE;
  }

  /**
   * Decided from a snapshot the server has not confirmed lately (or from the defaults, with no
   * snapshot at all); see {@link KaitenClient.Builder#staleAfter}.
   */
  public boolean stale() {
    return stale;
  }

  @Override
  public String toString() {
    return "Check{"
        + entitlement
        + (allowed ? " allowed " : " refused ")
        + reason
        + (unlimited() ? "" : ", usage " + currentUsage + " of " + limit)
        + (stale ? ", stale" : "")
        + "}";
  }
}
