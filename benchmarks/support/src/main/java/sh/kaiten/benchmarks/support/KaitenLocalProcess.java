package sh.kaiten.benchmarks.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged kaiten-local.jar in its own process for one benchmark run, started as a user starts
 * it: on a free port, in a new temporary {@code --dir}, with the repository's template. Its output
 * (stdout and stderr) is read and dropped, so a full pipe never stalls it. Closing stops it,
 * waiting a bounded time, and deletes the folder (the functions unpacked, their logs: a few hundred
 * MB).
 *
 * <pre>
 * try (KaitenLocalProcess local = KaitenLocalProcess.start(root, "my-bench", List.of("--demo"))) {
 *   String api = local.baseUrl();
 *   ...
 * }
 * </pre>
 */
public final class KaitenLocalProcess implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("Kaiten is running at (http://\\S+)");

  /** kaiten-local stops its functions and embedded services on SIGTERM; this long at most. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

  private static final Duration KILL_LIMIT = Duration.ofSeconds(10);

  private final Process process;
  private final Path dir;
  private final List<String> command;
  private String baseUrl;

  private KaitenLocalProcess(Process process, Path dir, List<String> command) {
    this.process = process;
    this.dir = dir;
    this.command = command;
  }

  /**
   * Starts {@code root}'s {@code infra/local/target/kaiten-local.jar} with {@code --port 0 --dir
   * DIR --template root/template.yaml}, then {@code options}; DIR is a new temporary folder whose
   * name starts with {@code dirPrefix}. Does not wait for it: {@link #baseUrl()} does.
   */
  public static KaitenLocalProcess start(Path root, String dirPrefix, List<String> options)
      throws IOException {
    Path dir = Files.createTempDirectory(dirPrefix);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("infra/local/target/kaiten-local.jar").toString(),
                "--port",
                "0",
                "--dir",
                dir.toString(),
                "--template",
                root.resolve("template.yaml").toString()));
    command.addAll(options);
    try {
      return new KaitenLocalProcess(
          new ProcessBuilder(command).redirectErrorStream(true).start(), dir, List.copyOf(command));
    } catch (IOException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The command line it was started with. */
  public List<String> command() {
    return command;
  }

  /** Its {@code --dir}. */
  public Path dir() {
    return dir;
  }

  /**
   * Copies its logs (each function's output, kaiten-local's handover, REPORT and timed-out lines)
   * into a new folder under {@code target}, before {@link #close} deletes them, so a failed run can
   * be looked into.
   *
   * @return the folder they are in
   */
  public Path keepLogs(Path target) throws IOException {
    Path kept = target.resolve("kaiten-local-logs-" + System.currentTimeMillis());
    Files.createDirectories(kept);
    try (var files = Files.list(dir.resolve("logs"))) {
      for (Path file : files.toList()) {
        Files.copy(file, kept.resolve(file.getFileName()));
      }
    }
    return kept;
  }

  /** The state file kaiten-local writes in its folder when ready (admin token, endpoints). */
  public Path stateFile() {
    return dir.resolve("kaiten-local.json");
  }

  /**
   * Where it serves ({@code http://127.0.0.1:PORT}): the first call waits for its "Kaiten is
   * running at" line, then leaves a daemon thread draining the rest of its output.
   */
  public String baseUrl() throws IOException {
    if (baseUrl == null) {
      baseUrl = awaitUrl();
    }
    return baseUrl;
  }

  private String awaitUrl() throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      Matcher matcher = URL.matcher(line);
      if (matcher.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(ignored -> {}), "kaiten-local-output");
        drain.setDaemon(true);
        drain.start();
        return matcher.group(1);
      }
    }
    throw new IllegalStateException("kaiten-local exited before it was ready");
  }

  /**
   * Stops it (SIGTERM, then SIGKILL after {@link #STOP_LIMIT}) and deletes its folder. Call it
   * before {@code System.exit}, which would leave the process running.
   */
  @Override
  public void close() throws IOException {
    // Taken before the stop: a kaiten-local killed outright leaves its function JVMs waiting
    // forever for its Runtime API, and they are no longer its descendants once it is gone.
    List<ProcessHandle> functions = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(KILL_LIMIT.toSeconds(), TimeUnit.SECONDS);
      }
      for (ProcessHandle function : functions) {
        if (function.isAlive()) {
          function.destroyForcibly();
          function.onExit().get(KILL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a function of kaiten-local did not stop", e);
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
