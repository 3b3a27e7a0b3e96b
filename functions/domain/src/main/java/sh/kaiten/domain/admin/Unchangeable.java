package sh.kaiten.domain.admin;

import java.util.Objects;
import sh.kaiten.domain.error.InvalidInputException;

/** Fields a record keeps from its creation on. */
final class Unchangeable {
  private Unchangeable() {}

  static void require(String field, Object stored, Object wanted) {
    if (!Objects.equals(stored, wanted)) {
      throw new InvalidInputException(field, field + " cannot change once created");
    }
  }
}
