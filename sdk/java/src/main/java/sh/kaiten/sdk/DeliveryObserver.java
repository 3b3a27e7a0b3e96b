package sh.kaiten.sdk;

/**
 * What the usage pipeline tells local accounting: a report counts against this process's view of a
 * limit from the moment it is queued until the server has answered for it (from then on the next
 * snapshot holds it, if it was counted). A snapshot read while such a request was on its way may
 * hold reports the meter still counts as pending.
 */
interface DeliveryObserver {

  /** A report found in the spool at start: made by an earlier process, still not delivered. */
  void restored(String entitlement, double value);

  /** The server answered for a report (counted, rejected or refused): it is no longer pending. */
  void settled(String entitlement, double value);

  /**
   * The server answered for a settlement standing for {@code reports} reports whose values sum to
   * {@code value}.
   */
  void settled(String entitlement, double value, long reports);

  /** A request that may count usage is about to be sent. */
  void delivering();

  /** That request is over, and what its answer settled has been told. */
  void delivered();
}
