package sh.kaiten.testing;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import io.quarkus.test.common.ArtifactLauncher;
import io.quarkus.test.common.ListeningAddress;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.awaitility.Awaitility;

/**
 * Runs a JVM function.zip as Lambda's java21 runtime does: the zip unpacked, its root and {@code
 * lib/*} on the class path, the Runtime Interface Client calling the template's handler ({@code
 * QuarkusStreamHandler}) for each invocation it takes from the Runtime API, here the Lambda mock
 * event server Quarkus starts for the test. The test's configuration goes in as system properties.
 */
final class LambdaJarLauncher implements ArtifactLauncher<ArtifactLauncher.InitContext> {
  static final String HANDLER =
      "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
  private static final String RIC_JNI_PROPERTY =
      "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
  private static final String RUNTIME_API = "quarkus-internal.aws-lambda.test-api";
  private static final String STARTED = "started in";

  private final Path functionZip;
  private final Path workDir;
  private final Duration wait;
  private final Map<String, String> systemProperties = new HashMap<>();
  private Process process;

  LambdaJarLauncher(
      Path functionZip, Path workDir, Map<String, String> devServicesProperties, Duration wait) {
    this.functionZip = functionZip;
    this.workDir = workDir;
    this.wait = wait;
    systemProperties.putAll(devServicesProperties);
  }

  @Override
  public void init(InitContext context) {
    // Everything it needs comes in through the constructor and includeAsSysProps.
  }

  @Override
  public void includeAsSysProps(Map<String, String> properties) {
    systemProperties.putAll(properties);
  }

  @Override
  public Optional<ListeningAddress> start() throws IOException {
    String runtimeApi = systemProperties.get(RUNTIME_API);
    if (runtimeApi == null) {
      throw new IllegalStateException(
          RUNTIME_API + " is not set: no Lambda mock event server to take invocations from");
    }
    Path task = unzip(functionZip, workDir.resolve("task"));
    Path log = workDir.resolve("function.log");
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
    command.add("-D" + RIC_JNI_PROPERTY + "=" + jniLibrary());
    command.addAll(List.of("-cp", classPath(task), AWSLambda.class.getName(), HANDLER));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    builder.environment().put("_HANDLER", HANDLER);
    builder.environment().put("LAMBDA_TASK_ROOT", task.toString());
    builder
        .environment()
        .put(
            "AWS_LAMBDA_FUNCTION_NAME",
            functionZip.getParent().getParent().getFileName().toString());
    builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    process = builder.start();
    // Up when Quarkus says so (the handler class boots it at init, before the first poll), or
    // failed.
    Awaitility.await("the function to start (" + log + ")")
        .atMost(wait)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !process.isAlive() || Files.readString(log).contains(STARTED));
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the function exited with " + process.exitValue() + ":\n" + Files.readString(log));
    }
    return Optional.empty();
  }

  @Override
  public LaunchResult runToCompletion(String[] args) {
    throw new UnsupportedOperationException("a Lambda function does not run to completion");
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The function's own classes and libraries first, then the runtime client's. */
  private static String classPath(Path task) {
    Set<String> entries =
        new LinkedHashSet<>(List.of(task.toString(), task.resolve("lib").resolve("*").toString()));
    for (String runtimeClass :
        List.of(
            AWSLambda.class.getName(),
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "com.amazonaws.services.lambda.runtime.Context",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
      entries.add(jarOf(runtimeClass).toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path jarOf(String className) {
    try {
      return Path.of(
          Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (ClassNotFoundException | URISyntaxException e) {
      throw new IllegalStateException(
          "the Lambda runtime client needs " + className + " on the test class path", e);
    }
  }

  /**
   * The runtime client's JNI library for this platform, unpacked beside the function: without the
   * property each client unpacks it to one fixed /tmp path, a race with any other starting at once.
   */
  private Path jniLibrary() throws IOException {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
    String libc =
        Files.exists(Path.of("/lib/ld-musl-" + System.getProperty("os.arch") + ".so.1"))
            ? "linux_musl"
            : "linux";
    String name = "jni/libaws-lambda-jni." + libc + "-" + arch + ".so";
    Path library = workDir.resolve(name);
    try (InputStream in = AWSLambda.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the runtime client has no " + name);
      }
      Files.createDirectories(library.getParent());
      Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
    }
    return library;
  }

  private static Path unzip(Path zip, Path target) throws IOException {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException("no " + zip + ": package the function first (mvn verify)");
    }
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        old.sorted(Comparator.reverseOrder())
            .forEach(
                path -> {
                  try {
                    Files.delete(path);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
    Files.createDirectories(target);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path file = target.resolve(entry.getName()).normalize();
        if (!file.startsWith(target)) {
          throw new IllegalStateException("zip entry outside its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
        } else {
          Files.createDirectories(file.getParent());
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }
}
