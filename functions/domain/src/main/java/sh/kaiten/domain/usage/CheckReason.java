package sh.kaiten.domain.usage;

/**
 * Why an SDK's in-process check came out as it did, as its check tallies say. The evaluation
 * reasons (see {@link sh.kaiten.domain.evaluation.Reason}) plus what only a client meets: a SOFT
 * limit passed, a slug its snapshot does not hold, no snapshot at all.
 */
public enum CheckReason {
  GRANTED,
  /** Allowed past a SOFT limit. */
  OVERAGE,
  /** Refused at a HARD limit (or a SOFT limit's overage cap). */
  LIMIT_REACHED,
  DISABLED,
  NOT_IN_TIER,
  LICENSE_SUSPENDED,
  LICENSE_EXPIRED,
  LICENSE_CANCELED,
  LICENSE_NOT_STARTED,
  TRIAL_ENDED,
  /** The slug is not in the snapshot (the catalog need not know it either). */
  UNKNOWN_ENTITLEMENT,
  /** The SDK had no snapshot yet, so it answered its default. */
  NO_SNAPSHOT
}
