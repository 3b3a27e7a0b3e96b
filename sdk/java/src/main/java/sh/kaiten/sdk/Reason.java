package sh.kaiten.sdk;

/**
 * Why a check came out as it did. The license reasons are the server's; the others are decided in
 * process. These names are also the {@code reason} of the check tallies sent to the audit trail.
 */
public enum Reason {
  /** Granted, and within its limit if it has one. */
  GRANTED,
  /** Allowed past a SOFT limit: counted, flagged as overage. */
  OVERAGE,
  /** Refused: a HARD limit (or a SOFT limit's overage cap) would be passed. */
  LIMIT_REACHED,
  /** The tier or override gives the feature as {@code false}. */
  DISABLED,
  NOT_IN_TIER,
  LICENSE_SUSPENDED,
  LICENSE_EXPIRED,
  LICENSE_CANCELED,
  LICENSE_NOT_STARTED,
  TRIAL_ENDED,
  /** The snapshot has no entitlement of that slug. */
  UNKNOWN_ENTITLEMENT,
  /**
   * No snapshot was ever loaded (server unreachable, no snapshot file): the configured default
   * decided.
   */
  NO_SNAPSHOT;

  private static final Reason[] ALL = values();

  /** Whether this reason leaves the entitlement granted. */
  boolean grants() {
    return this == GRANTED || this == OVERAGE;
  }

  static Reason of(int ordinal) {
    return ALL[ordinal];
  }

  static int count() {
    return ALL.length;
  }

  /** A server reason, or null when the server answered one this client does not know. */
  static Reason fromServer(String name) {
    for (Reason reason : ALL) {
      if (reason.name().equals(name)) {
        return reason;
      }
    }
    return null;
  }
}
