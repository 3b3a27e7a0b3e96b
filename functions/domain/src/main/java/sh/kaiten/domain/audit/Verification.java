package sh.kaiten.domain.audit;

import java.time.Instant;

/**
 * What a verification found over a range of hours.
 *
 * @param firstFailure the first thing, in time order, that does not match; null when all does
 * @param unsealedRecords intact records of hours not sealed yet (the current hour and the few
 *     minutes after it)
 */
public record Verification(
    Instant from,
    Instant to,
    int recordsChecked,
    int digestsChecked,
    int unsealedRecords,
    Failure firstFailure) {

  public boolean valid() {
    return firstFailure == null;
  }

  /** What does not match. */
  public enum Kind {
    /** A record's fields no longer give its hash, or the hash is not the one its digest sealed. */
    RECORD_CHANGED,
    /** A sealed record is gone. */
    RECORD_MISSING,
    /** A record sits in an hour already sealed, and its digest does not list it. */
    RECORD_NOT_SEALED,
    /** A digest's fields no longer give its hash. */
    DIGEST_CHANGED,
    /**
     * A digest's hash is not signed with the deployment's digest key: it was made by someone else.
     */
    DIGEST_FORGED,
    /**
     * A digest (or a part of one) that the chain needs is gone, or an hour past sealing has none.
     */
    DIGEST_MISSING,
    /** A digest does not name the hash of the one before it. */
    CHAIN_BROKEN
  }

  /**
   * @param recordId the record concerned, null for a digest failure
   * @param hour the hour whose records or digest failed
   */
  public record Failure(Kind kind, String recordId, Instant hour, String detail) {}
}
