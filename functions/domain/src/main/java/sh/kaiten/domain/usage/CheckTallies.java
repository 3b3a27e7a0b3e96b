package sh.kaiten.domain.usage;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The tallies of an SDK's in-process checks, sent with a usage batch for the audit trail. The SDK
 * fixes {@code id} when it builds the tallies and sends the same id again on a retry: delivery is
 * at least once (a retry after a lost answer records the tallies again), so a reader drops repeats
 * by id.
 *
 * @param id 1 to 128 of letters, digits and {@code . _ : -}, as an idempotency key
 * @param tallies 1 to {@link #MAX_TALLIES}
 */
public record CheckTallies(String id, List<CheckTally> tallies) {
  /** The most tallies one batch may carry. */
  public static final int MAX_TALLIES = 1000;

  /**
   * Every rule, the first broken one named by its field ({@code checks.id}, {@code
   * checks.tallies[3].minute}).
   */
  void validate(ReportWindow window, Instant now) {
    if (id == null || !IdempotencyKeys.FORMAT.matcher(id).matches()) {
      throw new InvalidInputException(
          "checks.id", "checks.id must be 1 to 128 characters of letters, digits and . _ : -");
    }
    if (tallies == null || tallies.isEmpty() || tallies.size() > MAX_TALLIES) {
      throw new InvalidInputException(
          "checks.tallies", "checks.tallies must hold 1 to " + MAX_TALLIES + " tallies");
    }
    for (int i = 0; i < tallies.size(); i++) {
      String path = "checks.tallies[" + i + "]";
      if (tallies.get(i) == null) {
        throw new InvalidInputException(path, path + " must be an object");
      }
      tallies.get(i).validate(path, window, now);
    }
  }

  /** What some tallies add up to: how many checks, how many allowed, how many refused. */
  public record Counts(long checks, long allowed, long refused) {

    /**
     * Of validated tallies (at most {@link #MAX_TALLIES} of {@link CheckTally#MAX_COUNT}: no
     * overflow).
     */
    public static Counts of(List<CheckTally> tallies) {
      long allowed = 0;
      long refused = 0;
      for (CheckTally tally : tallies) {
        if (tally.allowed()) {
          allowed += tally.count();
        } else {
          refused += tally.count();
        }
      }
      return new Counts(allowed + refused, allowed, refused);
    }
  }
}
