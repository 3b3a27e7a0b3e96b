package sh.kaiten.domain.paging;

import sh.kaiten.domain.error.InvalidInputException;

/**
 * Which page of a list: up to {@code limit} records after {@code cursor} (null for the first page).
 * The cursor is opaque to clients; only the store that made it reads it.
 */
public record PageRequest(String cursor, int limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  /**
   * Longer than any cursor a list gives out (a base64url sort key): a longer one is refused unread.
   */
  public static final int MAX_CURSOR = 1024;

  /**
   * @param limit as the client gave it; null for the default
   */
  public static PageRequest of(String cursor, Integer limit) {
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw new InvalidInputException("limit", "limit must be between 1 and " + MAX_LIMIT);
    }
    if (cursor != null && cursor.length() > MAX_CURSOR) {
      throw new InvalidInputException("cursor", "cursor is not one this API gave out");
    }
    return new PageRequest(cursor == null || cursor.isBlank() ? null : cursor, size);
  }
}
