package sh.kaiten.domain.paging;

import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The [from, to) of a billing export: both given, in order, and no wider than the export allows.
 */
public final class ExportRange {
  private ExportRange() {}

  /**
   * Refuses a range the export cannot take, naming the field at fault.
   *
   * @param export what the export is called in the message, e.g. "an export"
   */
  public static void check(Instant from, Instant to, Duration widest, String export) {
    if (from == null) {
      throw new InvalidInputException("from", "from is required (ISO-8601)");
    }
    if (to == null) {
      throw new InvalidInputException("to", "to is required (ISO-8601)");
    }
    if (!from.isBefore(to)) {
      throw new InvalidInputException("to", "to must be after from");
    }
    if (Duration.between(from, to).compareTo(widest) > 0) {
      throw new InvalidInputException(
          "to", export + " covers at most " + widest.toDays() + " days");
    }
  }
}
