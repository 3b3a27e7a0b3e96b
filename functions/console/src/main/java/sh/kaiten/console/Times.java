package sh.kaiten.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import sh.kaiten.domain.error.InvalidInputException;

/** A time from a form or a query: an ISO instant, or a {@code datetime-local} value read as UTC. */
final class Times {
  static final int MAX_LENGTH = 40;

  private Times() {}

  /** Null for a blank field. */
  static Instant instant(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String given = text.strip();
    try {
      if (given.length() > MAX_LENGTH) {
        throw new DateTimeParseException("too long", given, 0);
      }
      return given.endsWith("Z")
          ? Instant.parse(given)
          : LocalDateTime.parse(given).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, field + " must be a date and time (UTC)");
    }
  }
}
