package sh.kaiten.admin;

import java.util.List;
import java.util.stream.Collectors;

/**
 * CSV as RFC 4180 writes it (comma separated, CRLF line ends, a cell holding a comma, a quote or a
 * line break is quoted with its quotes doubled), made safe to open in a spreadsheet as OWASP's
 * CSV-injection guidance says: a cell that starts with {@code =}, {@code +}, {@code -}, {@code @},
 * a tab or a carriage return gets a leading single quote, so it is read as text, never as a
 * formula. Our own rather than commons-csv (which is available): the export needs only these two
 * rules, and the formula guard is not a CSV library's job.
 */
final class Csv {
  static final String LINE_END = "\r\n";

  private Csv() {}

  /** One record; a null cell is empty. */
  static String row(List<String> cells) {
    return cells.stream().map(Csv::cell).collect(Collectors.joining(",")) + LINE_END;
  }

  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String text = startsLikeAFormula(value) ? "'" + value : value;
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\r') >= 0
            || text.indexOf('\n') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  private static boolean startsLikeAFormula(String value) {
    char first = value.charAt(0);
    return first == '='
        || first == '+'
        || first == '-'
        || first == '@'
        || first == '\t'
        || first == '\r';
  }
}
