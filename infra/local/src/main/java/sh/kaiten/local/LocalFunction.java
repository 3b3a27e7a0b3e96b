package sh.kaiten.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function of the template, run from its real build output (function.zip) as its own process
 * speaking the Runtime API: a native {@code bootstrap} when the zip holds one, else the JVM build
 * under the Lambda Runtime Interface Client, as Lambda's java21 runtime runs it. As Lambda scales a
 * function, up to {@link Scaling#environments()} such processes (execution environments) run at
 * once, each with its own Runtime API, all taking events from one queue: one more starts when more
 * events wait than the environments have room for. An environment takes one event at a time, as on
 * Lambda, or {@link Scaling#perEnvironment()} at once, as Lambda Managed Instances run Java
 * functions. A process that dies is started again on the next invocation.
 */
final class LocalFunction implements AutoCloseable {
  /**
   * Runs the function so that it dies with kaiten-local, even a kaiten-local killed outright: its
   * stdin is a pipe whose only writer is kaiten-local, and a watcher reading it (on a copy of the
   * descriptor, since a background job's own stdin is /dev/null) kills the function at end of file,
   * if the function is still its parent (a function that died earlier left the watcher to init, and
   * its id may be reused). Then {@code exec}, so the function keeps the process id kaiten-local
   * started.
   */
  private static final String DIES_WITH_PARENT =
      "exec 3<&0; { cat <&3 >/dev/null; "
          + "read -r _ _ _ parent _ </proc/self/stat; [ \"$parent\" = $$ ] && kill -9 $$; } & "
          + "exec 3<&- </dev/null; exec \"$@\"";

  private static final String RIC_JNI_PROPERTY =
      "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
  private final String name;
  private final String handler;
  private final Path codeDir;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final int memoryMb;
  private final Path runtimeClasspath;
  private final Path logFile;
  private final Scaling scaling;
  private final Jit jit;
  private final Invocations invocations = new Invocations(this::note);

  /** The live execution environments; guarded by this. */
  private final List<Environment> environments = new ArrayList<>();

  private boolean closed;

  /** One execution environment: a function process and the Runtime API it polls. */
  private record Environment(int number, RuntimeApi api, Process process) {}

  /**
   * How a function scales.
   *
   * @param environments how many execution environments (processes) may run at once
   * @param perEnvironment how many events one environment works on at once: 1 on Lambda; more as on
   *     Lambda Managed Instances, where the Runtime Interface Client runs that many handler threads
   *     in one JVM ({@code AWS_LAMBDA_MAX_CONCURRENCY}), so one warm JVM serves them all. A native
   *     {@code bootstrap} (Quarkus' own runtime loop) still takes one at a time.
   */
  record Scaling(int environments, int perEnvironment) {
    static final Scaling ONE = new Scaling(1, 1);

    Scaling {
      if (environments < 1 || perEnvironment < 1) {
        throw new IllegalArgumentException(
            "a function needs at least 1 environment taking at least 1 event, not "
                + environments
                + " and "
                + perEnvironment);
      }
    }
  }

  /**
   * Which compilers a JVM function runs. The flag goes on the command line, after the template's
   * {@code JAVA_TOOL_OPTIONS} (which asks for C1 only, for Lambda), so it is the one that holds.
   */
  enum Jit {
    /**
     * C1 and C2, the JVM's default: a slower start, then the faster code a long-running local stack
     * wants.
     */
    TIERED("-XX:TieredStopAtLevel=4"),
    /** C1 only, as on Lambda: about half the cold start, slower code once warm. */
    C1("-XX:TieredStopAtLevel=1");

    private final String flag;

    Jit(String flag) {
      this.flag = flag;
    }

    /** The value named on kaiten-local's command line ({@code --jit tiered}), in any case. */
    static Optional<Jit> named(String name) {
      return Arrays.stream(values()).filter(jit -> jit.name().equalsIgnoreCase(name)).findFirst();
    }
  }

  /**
   * @param jit the compilers of a JVM function (a native one has none)
   */
  LocalFunction(
      String name,
      String handler,
      Path functionZip,
      Path workDir,
      Map<String, String> environment,
      Duration timeout,
      int memoryMb,
      Path runtimeClasspath,
      Scaling scaling,
      Jit jit)
      throws IOException {
    this.scaling = scaling;
    this.jit = jit;
    this.name = name;
    this.handler = handler;
    this.environment = environment;
    this.timeout = timeout;
    this.memoryMb = memoryMb;
    this.runtimeClasspath = runtimeClasspath;
    this.codeDir = unzip(functionZip, workDir.resolve("functions").resolve(name));
    this.logFile = workDir.resolve("logs").resolve(name + ".log");
    Files.createDirectories(logFile.getParent());
  }

  String name() {
    return name;
  }

  Duration timeout() {
    return timeout;
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Starts an execution environment now, unless one runs, so the first request does not pay for it.
   */
  synchronized void start() {
    if (environments.isEmpty() && !closed) {
      launch();
    }
  }

  /** How many execution environments run now. */
  synchronized int environments() {
    return environments.size();
  }

  /** How many events were dropped unrun because their client had gone. */
  long dropped() {
    return invocations.dropped();
  }

  CompletableFuture<String> invoke(String payload) {
    return invoke(payload, () -> true);
  }

  /**
   * @param wanted whether anyone still waits for the answer: checked when an environment takes the
   *     event
   */
  CompletableFuture<String> invoke(String payload, BooleanSupplier wanted) {
    Invocation invocation = invocations.submit(payload, timeout, wanted);
    scale();
    return invocation.result();
  }

  /**
   * One more environment when more events wait than the environments have room for, up to {@link
   * Scaling#environments()}.
   */
  private synchronized void scale() {
    if (closed) {
      return;
    }
    long room =
        environments.stream()
            .mapToLong(
                environment -> Math.max(0, scaling.perEnvironment() - environment.api().held()))
            .sum();
    if (environments.isEmpty()
        || (invocations.waiting() > room && environments.size() < scaling.environments())) {
      launch();
    }
  }

  private void launch() {
    int number = 1;
    while (taken(number)) {
      number++;
    }
    String label = "environment " + number;
    RuntimeApi api = null;
    try {
      api =
          new RuntimeApi(
              "arn:aws:lambda:us-east-1:000000000000:function:" + name,
              label,
              invocations,
              this::note);
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", DIES_WITH_PARENT, name));
      command.addAll(command());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(codeDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
      builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", name);
      builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
      builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      builder.environment().put("AWS_LAMBDA_LOG_STREAM_NAME", "$LATEST/environment-" + number);
      builder.environment().put("_HANDLER", handler);
      builder.environment().put("LAMBDA_TASK_ROOT", codeDir.toString());
      // Set, or removed: a value in kaiten-local's own environment must not reach the function.
      if (scaling.perEnvironment() > 1) {
        builder
            .environment()
            .put("AWS_LAMBDA_MAX_CONCURRENCY", Integer.toString(scaling.perEnvironment()));
      } else {
        builder.environment().remove("AWS_LAMBDA_MAX_CONCURRENCY");
      }
      Environment started = new Environment(number, api, builder.start());
      environments.add(started);
      note(
          "[kaiten-local] "
              + label
              + " started ("
              + environments.size()
              + " running, at most "
              + scaling.environments()
              + (scaling.perEnvironment() > 1
                  ? ", each taking " + scaling.perEnvironment() + " events at once"
                  : "")
              + ")");
      started
          .process()
          .onExit()
          .thenRun(
              () ->
                  gone(
                      started,
                      name
                          + " ("
                          + label
                          + ") exited with status "
                          + started.process().exitValue()
                          + "; its log: "
                          + logFile));
    } catch (IOException e) {
      if (api != null) {
        api.close();
      }
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private boolean taken(int number) {
    return environments.stream().anyMatch(environment -> environment.number() == number);
  }

  /**
   * An environment's process died: what waits fails now when no environment is left to take it,
   * then what the process was working on. In that order: the client of a request that crashed may
   * send the next one as soon as it has its answer, and that one must start a new process rather
   * than fail with the requests that were waiting before.
   */
  private synchronized void gone(Environment environment, String why) {
    environments.remove(environment);
    if (environments.isEmpty()) {
      invocations.failWaiting(why);
    }
    environment.api().close(why);
  }

  /** Appends a line of kaiten-local's own to the function's log. */
  void note(String line) {
    try {
      Files.writeString(
          logFile,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command() {
    Path bootstrap = codeDir.resolve("bootstrap");
    if (Files.isRegularFile(bootstrap)) {
      bootstrap.toFile().setExecutable(true);
      return List.of(bootstrap.toString());
    }
    String classpath =
        String.join(
            File.pathSeparator,
            codeDir.toString(),
            codeDir.resolve("lib").resolve("*").toString(),
            runtimeClasspath.resolve("*").toString());
    return jvmCommand(memoryMb, jit, classpath, runtimeClientLibrary(), handler);
  }

  /** The command that runs a JVM function.zip under the Runtime Interface Client. */
  static List<String> jvmCommand(
      int memoryMb,
      Jit jit,
      String classpath,
      Optional<Path> runtimeClientLibrary,
      String handler) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A Lambda-like JVM: it sizes itself for the function's memory as in Lambda's
                // container
                // (MaxRAM), not for this machine; serial GC, as Lambda's small containers get.
                "-XX:MaxRAM=" + memoryMb + "m",
                "-Xmx" + Math.max(64, memoryMb * 3 / 4) + "m",
                "-XX:+UseSerialGC",
                jit.flag,
                LoopbackHttp.NO_DELAY,
                "-Xshare:auto",
                "-cp",
                classpath));
    runtimeClientLibrary.ifPresent(library -> command.add("-D" + RIC_JNI_PROPERTY + "=" + library));
    command.addAll(List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
    return command;
  }

  /**
   * The Runtime Interface Client's JNI library for this platform, as Lambda's own java runtimes
   * pass it. Without it every RIC unpacks its library to the same /tmp file, and functions starting
   * together corrupt each other's copy.
   */
  private Optional<Path> runtimeClientLibrary() {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
    String libc =
        Files.exists(Path.of("/lib/ld-musl-" + System.getProperty("os.arch") + ".so.1"))
            ? "linux_musl"
            : "linux";
    Path library =
        runtimeClasspath.resolve("jni").resolve("libaws-lambda-jni." + libc + "-" + arch + ".so");
    return Files.isRegularFile(library) ? Optional.of(library) : Optional.empty();
  }

  private static Path unzip(Path zip, Path target) throws IOException {
    if (Files.exists(target)) {
      try (var files = Files.walk(target)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(target);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out);
        }
      }
    }
    return target;
  }

  /**
   * Asks every environment's process to stop (SIGTERM) without waiting: kaiten-local signals all
   * its functions first, then waits in {@link #close()}, so the stop takes the slowest process's
   * time, not the sum of them all.
   */
  void signalStop() {
    List<Environment> running;
    synchronized (this) {
      closed = true;
      running = new ArrayList<>(environments);
    }
    running.forEach(
        environment -> {
          environment.process().descendants().forEach(ProcessHandle::destroy);
          environment.process().destroy();
        });
  }

  @Override
  public void close() {
    signalStop();
    List<Environment> running;
    synchronized (this) {
      running = new ArrayList<>(environments);
    }
    running.forEach(environment -> awaitStop(environment.process()));
    running.forEach(environment -> environment.api().close());
    invocations.close();
  }

  private static void awaitStop(Process process) {
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
