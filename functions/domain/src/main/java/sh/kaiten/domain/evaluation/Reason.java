package sh.kaiten.domain.evaluation;

/** Why an evaluation came out as it did; also why a usage report was refused. */
public enum Reason {
  /** The tier or an override grants the entitlement. */
  GRANTED,
  /** A BOOLEAN set to false by the tier or an override. */
  DISABLED,
  /** Neither the tier nor an override mentions the entitlement. */
  NOT_IN_TIER,
  LICENSE_SUSPENDED,
  LICENSE_EXPIRED,
  LICENSE_CANCELED,
  LICENSE_NOT_STARTED,
  TRIAL_ENDED,
  /** A HARD limit (or a SOFT limit's overage cap) would be passed by the report. */
  LIMIT_REACHED
}
