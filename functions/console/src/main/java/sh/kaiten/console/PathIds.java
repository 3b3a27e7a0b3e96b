package sh.kaiten.console;

import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.InvalidInputException;

/** An id from the path is bounded and checked before any store sees it. */
final class PathIds {
  private PathIds() {}

  static String require(String field, String id) {
    if (id == null || !Text.isId(id)) {
      throw new InvalidInputException(field, field + " must be an id");
    }
    return id;
  }
}
