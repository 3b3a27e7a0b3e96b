package sh.kaiten.domain.catalog;

import java.time.Instant;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The instants the API takes: from 1970 to the end of year 9999, so every one has an epoch
 * millisecond, a four-digit year and a place in an id ({@code +999999999-12-31T23:59:59Z} is
 * refused).
 */
public final class Dates {
  public static final Instant EARLIEST = Instant.EPOCH;
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private Dates() {}

  /** {@code value} when null or within range, else a 400 naming {@code field}. */
  public static Instant require(String field, Instant value) {
    if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
      throw new InvalidInputException(
          field, field + " must be between " + EARLIEST + " and " + LATEST);
    }
    return value;
  }
}
