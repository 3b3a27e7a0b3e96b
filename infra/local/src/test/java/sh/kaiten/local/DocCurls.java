package sh.kaiten.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The curl commands of the docs' {@code bash} blocks, in reading order: README.md, then docs/**.md
 * by path. docs/contributing.md says how to write them so that {@code DocsCurlIT} can run them.
 */
final class DocCurls {
  static final String SKIP_MARKER = "# not run by the docs test:";
  private static final Pattern STATUS = Pattern.compile("→\\s*(\\d{3})(?!\\d)");

  private DocCurls() {}

  /**
   * One command as the page shows it.
   *
   * @param line the 1-based line of the page where the command starts
   * @param expectedStatus the status its "# → NNN" comment shows; empty means any 2xx
   * @param skipReason why it is not run, when the line before it carries the marker
   */
  record DocCurl(
      Path page,
      int line,
      String command,
      OptionalInt expectedStatus,
      Optional<String> skipReason) {
    boolean accepts(int status) {
      return expectedStatus.isPresent()
          ? status == expectedStatus.getAsInt()
          : status >= 200 && status < 300;
    }

    String expected() {
      return expectedStatus.isPresent() ? String.valueOf(expectedStatus.getAsInt()) : "a 2xx";
    }
  }

  /** README.md, then every Markdown page under docs/, sorted by path. */
  static List<Path> pages(Path root) {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  static List<DocCurl> in(Path page) {
    try {
      return parse(page, Files.readAllLines(page));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<DocCurl> parse(Path page, List<String> lines) {
    List<DocCurl> curls = new ArrayList<>();
    boolean inFence = false;
    boolean bash = false;
    for (int i = 0; i < lines.size(); i++) {
      String trimmed = lines.get(i).trim();
      if (trimmed.startsWith("```")) {
        bash = !inFence && trimmed.substring(3).trim().equals("bash");
        inFence = !inFence;
        continue;
      }
      if (!bash || !(trimmed.startsWith("curl ") || trimmed.equals("curl"))) {
        continue;
      }
      int first = i;
      Scan scan = new Scan();
      StringBuilder command = new StringBuilder();
      while (true) {
        String line = lines.get(i);
        command.append(line).append('\n');
        scan.read(line);
        if (scan.continues(line) && i + 1 < lines.size()) {
          i++;
        } else {
          break;
        }
      }
      OptionalInt status = status(scan.comment);
      if (status.isEmpty()
          && scan.comment == null
          && i + 1 < lines.size()
          && lines.get(i + 1).trim().startsWith("# →")) {
        status = status(lines.get(i + 1).trim());
      }
      String before = first > 0 ? lines.get(first - 1).trim() : "";
      Optional<String> skip =
          before.startsWith(SKIP_MARKER)
              ? Optional.of(before.substring(SKIP_MARKER.length()).trim())
              : Optional.empty();
      curls.add(new DocCurl(page, first + 1, command.toString(), status, skip));
    }
    return curls;
  }

  private static OptionalInt status(String comment) {
    if (comment == null || !comment.startsWith("# →")) {
      return OptionalInt.empty();
    }
    Matcher matcher = STATUS.matcher(comment);
    return matcher.find()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }

  /** Enough of bash's quoting to tell where a command ends and where its line's comment starts. */
  private static final class Scan {
    char quote;
    String comment;

    void read(String line) {
      comment = null;
      for (int c = 0; c < line.length(); c++) {
        char ch = line.charAt(c);
        if (quote == '\'') {
          quote = ch == '\'' ? 0 : quote;
        } else if (ch == '\\' && c + 1 < line.length()) {
          c++;
        } else if (quote == '"') {
          quote = ch == '"' ? 0 : quote;
        } else if (ch == '\'' || ch == '"') {
          quote = ch;
        } else if (ch == '#' && (c == 0 || Character.isWhitespace(line.charAt(c - 1)))) {
          comment = line.substring(c).trim();
          return;
        }
      }
    }

    boolean continues(String line) {
      return quote != 0 || (comment == null && line.endsWith("\\"));
    }
  }
}
