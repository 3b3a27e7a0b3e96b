package sh.kaiten.domain.usage;

import java.time.Instant;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * How many checks of one entitlement an SDK decided in one UTC minute, one way, for one reason. As
 * sent: any field may be missing until {@link CheckTallies} has validated it.
 *
 * @param entitlement a slug; the catalog need not know it (an SDK may check a slug nobody defined)
 * @param minute the start of the UTC minute the checks fell in
 * @param allowed whether the checks let the caller go on
 * @param count 1 to {@link #MAX_COUNT}
 */
public record CheckTally(
    String entitlement, Instant minute, Boolean allowed, CheckReason reason, Long count) {
  /** The most checks one tally may count: a million a second for about eleven days. */
  public static final long MAX_COUNT = 1_000_000_000_000L;

  /**
   * Every rule, each broken one named by its field under {@code path} ({@code
   * checks.tallies[3].minute}).
   */
  void validate(String path, ReportWindow window, Instant now) {
    Slugs.require(path + ".entitlement", entitlement);
    String minuteField = path + ".minute";
    if (minute == null) {
      throw new InvalidInputException(minuteField, minuteField + " is required");
    }
    if (minute.getEpochSecond() % 60 != 0 || minute.getNano() != 0) {
      throw new InvalidInputException(
          minuteField,
          minuteField + " must be the start of a UTC minute, like 2026-12-04T01:02:00Z");
    }
    window.require(minuteField, minute, now);
    if (allowed == null) {
      throw new InvalidInputException(
          path + ".allowed", path + ".allowed is required: true or false");
    }
    if (reason == null) {
      throw new InvalidInputException(path + ".reason", path + ".reason is required");
    }
    if (count == null || count < 1 || count > MAX_COUNT) {
      throw new InvalidInputException(
          path + ".count", path + ".count must be a whole number from 1 to " + MAX_COUNT);
    }
  }
}
