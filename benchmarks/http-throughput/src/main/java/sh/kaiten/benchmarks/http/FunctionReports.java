package sh.kaiten.benchmarks.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durations kaiten-local notes in a function's log, one REPORT line per invocation (from the
 * moment the function took the event to the moment it posted its answer): how much of a request's
 * time the function itself took, the rest being the front door's, the Runtime API's and the runtime
 * client's.
 */
final class FunctionReports {
  private static final Pattern REPORT =
      Pattern.compile("\\] REPORT RequestId: \\S+ Duration: (\\d+\\.\\d+) ms");

  private final Path log;
  private long mark;

  /**
   * @param dir kaiten-local's {@code --dir}
   * @param function the function's logical id in the template (its log's name)
   */
  FunctionReports(Path dir, String function) {
    this.log = dir.resolve("logs").resolve(function + ".log");
  }

  /** From now on: the lines noted before are not counted. */
  void mark() {
    mark = durations().length;
  }

  /** The median duration noted since {@link #mark}, in ms; NaN when none was. */
  double p50SinceMark() {
    double[] all = durations();
    double[] since = Arrays.copyOfRange(all, (int) Math.min(mark, all.length), all.length);
    if (since.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(since);
    return since[Math.max(0, (int) Math.ceil(0.5 * since.length) - 1)];
  }

  private double[] durations() {
    if (!Files.isRegularFile(log)) {
      return new double[0];
    }
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines
          .map(REPORT::matcher)
          .filter(Matcher::find)
          .mapToDouble(matcher -> Double.parseDouble(matcher.group(1)))
          .toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
