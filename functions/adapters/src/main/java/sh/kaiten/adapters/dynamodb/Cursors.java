package sh.kaiten.adapters.dynamodb;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import sh.kaiten.domain.error.InvalidInputException;

/** Page cursors: a sort key, base64url so clients treat it as opaque and URLs need no escaping. */
final class Cursors {
  private Cursors() {}

  static String of(String sortKey) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key in {@code cursor}, which must be one of {@code skPrefix}'s. */
  static String read(String cursor, String skPrefix) {
    String sortKey;
    try {
      sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("cursor", "cursor is not one this API gave out");
    }
    if (!sortKey.startsWith(skPrefix)) {
      throw new InvalidInputException("cursor", "cursor belongs to another list");
    }
    return sortKey;
  }
}
