package sh.kaiten.domain.metering;

import sh.kaiten.domain.catalog.Aggregation;

/**
 * A counter change as the use case decides it, its new total computed once, here: the reports it
 * folds in, and the counter before them (as read just before the write) and after. The answers and
 * audit records written with the change are computed from {@code after}; a store writes {@code
 * reports} and, where its write returns no values (a transaction), answers with this very step.
 */
public record CounterStep(Tally before, Tally reports, Tally after) {

  /** The step of {@code reports} from the counter at {@code before}. */
  public static CounterStep of(Tally before, Tally reports) {
    return new CounterStep(before, reports, before.merge(reports));
  }

  /**
   * Whether the step changes what a counter of {@code aggregation} shows: always for SUM, COUNT and
   * AVERAGE; for a gauge only if its value moves (or, for LATEST, the time it holds).
   */
  public boolean moves(Aggregation aggregation) {
    boolean valueMoves = after.value(aggregation).compareTo(before.value(aggregation)) != 0;
    return switch (aggregation) {
      case SUM, COUNT, AVERAGE -> true;
      case MAX, MIN -> valueMoves;
      case LATEST -> valueMoves || !after.latestAt().equals(before.latestAt());
    };
  }
}
