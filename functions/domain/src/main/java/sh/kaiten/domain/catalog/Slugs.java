package sh.kaiten.domain.catalog;

import java.util.regex.Pattern;
import sh.kaiten.domain.error.InvalidInputException;

/** The one rule for slugs (entitlements, tiers) and vendor-chosen ids (instances). */
public final class Slugs {
  private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

  private Slugs() {}

  /** Returns the slug when valid, else throws naming {@code field}. */
  public static String require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, field + " is required");
    }
    if (!SLUG.matcher(value).matches()) {
      throw new InvalidInputException(field, field + " must match " + SLUG.pattern());
    }
    return value;
  }

  public static boolean isValid(String value) {
    return value != null && SLUG.matcher(value).matches();
  }
}
