package sh.kaiten.domain.metering;

/** What an atomic counter did with one report. */
public sealed interface CounterUpdate {
  /**
   * The report was folded in. {@code after} equals {@code before} when it did not move the counter
   * (a MAX report below the maximum, a LATEST report older than the latest).
   */
  record Counted(Tally before, Tally after, boolean estimated) implements CounterUpdate {
    /**
     * What the write itself returned: exact, as an {@code UpdateItem} returns the item it changed.
     */
    public Counted(Tally before, Tally after) {
      this(before, after, false);
    }

    /**
     * Computed from the counter as read before the write (a transaction returns nothing): other
     * reports written meanwhile are in neither {@code before} nor {@code after}.
     */
    public static Counted estimated(Tally before, Tally after) {
      return new Counted(before, after, true);
    }
  }

  /**
   * The report would have passed the ceiling and was not counted; {@code now} is the counter as it
   * stands.
   */
  record Refused(Tally now) implements CounterUpdate {}

  /** The idempotency key was used already: nothing was written, and this is what it remembers. */
  record Duplicate(IdempotentReport first) implements CounterUpdate {}
}
