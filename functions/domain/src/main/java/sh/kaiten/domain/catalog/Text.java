package sh.kaiten.domain.catalog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The bounds of the free text and ids the API stores or looks up: how long, and which characters.
 * Text that reads one way and is stored another (control characters, bidirectional overrides, half
 * a surrogate pair) is refused, so what a console shows is what was written.
 */
public final class Text {
  /** Names of entitlements, tiers, customers, instances and tenants. */
  public static final int MAX_NAME = 200;

  /** An entitlement's unit ({@code calls}, {@code GB}). */
  public static final int MAX_UNIT = 32;

  /** Keys of customer metadata and instance labels. */
  public static final int MAX_KEY = 64;

  /** Values of customer metadata and instance labels. */
  public static final int MAX_VALUE = 256;

  /** Entries of one metadata or labels map. */
  public static final int MAX_ENTRIES = 50;

  /** Ids given in paths and bodies: generated ids ({@code lic_01k...}) and vendor-chosen ones. */
  public static final int MAX_ID = 128;

  private static final Pattern ID =
      Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0," + (MAX_ID - 1) + "}$");

  private Text() {}

  /** A required name: not blank, at most {@link #MAX_NAME} characters, nothing hidden in it. */
  public static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, field + " is required");
    }
    return line(field, value, MAX_NAME);
  }

  /**
   * A name a record cannot be without (stored records hold one): present and not blank, whatever
   * its length or characters. The bounds of new input are {@link #name}'s.
   */
  public static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, field + " is required");
    }
    return value;
  }

  /** An optional single line of text of at most {@code max} characters; null stays null. */
  public static String line(String field, String value, int max) {
    return bounded(field, value, max, false);
  }

  /**
   * Optional text that may run over several lines (tabs and line breaks allowed), at most {@code
   * max} characters.
   */
  public static String paragraph(String field, String value, int max) {
    return bounded(field, value, max, true);
  }

  private static String bounded(String field, String value, int max, boolean multiline) {
    if (value == null) {
      return null;
    }
    if (value.length() > max) {
      throw new InvalidInputException(field, field + " must be at most " + max + " characters");
    }
    String problem = hidden(value, multiline);
    if (problem != null) {
      throw new InvalidInputException(field, field + " must not contain " + problem);
    }
    return value;
  }

  /** Metadata or labels: at most {@link #MAX_ENTRIES} entries of bounded keys and values. */
  public static Map<String, String> entries(String field, Map<String, String> entries) {
    if (entries == null) {
      return null;
    }
    if (entries.size() > MAX_ENTRIES) {
      throw new InvalidInputException(field, field + " holds at most " + MAX_ENTRIES + " entries");
    }
    entries.forEach(
        (key, value) -> {
          if (key == null || key.isEmpty()) {
            throw new InvalidInputException(field, field + " keys must not be empty");
          }
          line(field + "." + key, key, MAX_KEY);
          if (value == null) {
            throw new InvalidInputException(field + "." + key, field + " values must be strings");
          }
          line(field + "." + key, value, MAX_VALUE);
        });
    return entries;
  }

  /**
   * The entries of {@code after} that are new or changed since {@code before}, bounded as {@link
   * #entries} bounds them: a change is refused for what it brings, not for what was stored before a
   * bound was set.
   */
  public static Map<String, String> changedEntries(
      String field, Map<String, String> before, Map<String, String> after) {
    if (after == null || after.equals(before)) {
      return after;
    }
    Map<String, String> was = before == null ? Map.of() : before;
    if (after.size() > MAX_ENTRIES && after.size() > was.size()) {
      throw new InvalidInputException(field, field + " holds at most " + MAX_ENTRIES + " entries");
    }
    Map<String, String> changed = new LinkedHashMap<>();
    after.forEach(
        (key, value) -> {
          if (key == null || value == null || !value.equals(was.get(key))) {
            changed.put(key, value);
          }
        });
    entries(field, changed);
    return after;
  }

  /**
   * A map of strings (metadata, labels) with no null key or value; bounds are {@link #entries}'s.
   */
  public static Map<String, String> strings(String field, Map<String, String> entries) {
    entries.forEach(
        (key, value) -> {
          if (key == null) {
            throw new InvalidInputException(field, field + " keys must not be empty");
          }
          if (value == null) {
            throw new InvalidInputException(field + "." + key, field + " values must be strings");
          }
        });
    return entries;
  }

  /**
   * Whether {@code value} can be an id at all: 1 to {@link #MAX_ID} letters, digits, {@code _} and
   * {@code -}.
   */
  public static boolean isId(String value) {
    return value != null && value.length() <= MAX_ID && ID.matcher(value).matches();
  }

  /** A required id given in a body, refused when it could name nothing. */
  public static String id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, field + " is required");
    }
    if (!isId(value)) {
      throw new InvalidInputException(
          field,
          field
              + " must be 1 to "
              + MAX_ID
              + " letters, digits, '_' or '-', starting with a letter or digit");
    }
    return value;
  }

  /** What {@code value} hides, or null when nothing. */
  private static String hidden(String value, boolean multiline) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        return "half of a surrogate pair (U+" + hex(c) + ")";
      }
      if (multiline && (c == '\t' || c == '\n' || c == '\r')) {
        continue;
      }
      if (Character.getType(c) == Character.CONTROL) {
        return "control characters (U+" + hex(c) + ")";
      }
      if (isBidiControl(c)) {
        return "bidirectional text controls (U+" + hex(c) + ")";
      }
      if (c == '\uFFFD') {
        // What a decoder writes for bytes that were not UTF-8: the text sent is not the text
        // stored.
        return "the replacement character (U+FFFD) of bytes that were not UTF-8";
      }
    }
    return null;
  }

  /**
   * The invisible marks that reorder text: LRM, RLM, ALM, the embeddings, overrides and isolates.
   */
  private static boolean isBidiControl(char c) {
    return c == '\u200E'
        || c == '\u200F'
        || c == '\u061C'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }
}
