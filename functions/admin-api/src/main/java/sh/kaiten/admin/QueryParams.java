package sh.kaiten.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import sh.kaiten.domain.catalog.Dates;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.PageRequest;

/** Query parameters as the admin views read them: a bad one is a 400 naming it. */
final class QueryParams {
  private QueryParams() {}

  /**
   * An ISO-8601 instant such as {@code 2026-11-01T00:00:00Z}; null when absent and not required.
   */
  static Instant instant(String name, String value, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw new InvalidInputException(
            name, name + " is required (ISO-8601, e.g. 2026-11-01T00:00:00Z)");
      }
      return null;
    }
    try {
      return Dates.require(name, Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          name, name + " must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z");
    }
  }

  /**
   * The page a list request asks for: {@code limit} 1 to 200 (default 50), {@code cursor} from the
   * last page.
   */
  static PageRequest page(String cursor, String limit) {
    Integer size = null;
    if (limit != null) {
      try {
        size = Integer.valueOf(limit);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "limit", "limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT);
      }
    }
    return PageRequest.of(cursor, size);
  }
}
