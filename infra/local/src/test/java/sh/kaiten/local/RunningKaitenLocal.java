package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * kaiten-local started as a user starts it: the packaged jar, in its own process, driven over HTTP.
 */
final class RunningKaitenLocal implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("Kaiten is running at (http://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();

  private final Process process;
  private final Path dir;
  private final String baseUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningKaitenLocal(Process process, Path dir, String baseUrl) {
    this.process = process;
    this.dir = dir;
    this.baseUrl = baseUrl;
  }

  /**
   * @param options more command-line options for kaiten-local
   */
  static RunningKaitenLocal start(Path dir, String... options) throws IOException {
    return start(dir, Map.of(), options);
  }

  /**
   * @param environment more environment for kaiten-local, which its functions inherit (e.g. {@code
   *     KAITEN_WEBHOOKS_RETRY_DELAYS}, for a delivery that fails in seconds, not half an hour)
   * @param options more command-line options for kaiten-local
   */
  static RunningKaitenLocal start(Path dir, Map<String, String> environment, String... options)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ROOT.resolve("infra/local/target/kaiten-local.jar").toString(),
                "--port",
                "0",
                "--demo",
                "--dir",
                dir.toString(),
                "--template",
                ROOT.resolve("template.yaml").toString()));
    command.addAll(List.of(options));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher matcher = URL.matcher(line);
      if (matcher.find()) {
        drain(out);
        return new RunningKaitenLocal(process, dir, matcher.group(1));
      }
    }
    throw new IllegalStateException(
        "kaiten-local exited before it was ready:\n" + seen + functionLogs(dir));
  }

  /** The end of every function's log, to show why a start failed. */
  private static String functionLogs(Path dir) throws IOException {
    Path logs = dir.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        out.append("\n--- ").append(log.getFileName()).append(" (last 40 lines) ---\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(line -> out.append(line).append('\n'));
      }
    }
    return out.toString();
  }

  /** Keeps reading the output so the process never blocks on a full pipe. */
  private static void drain(BufferedReader out) {
    Thread drainer =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discarded: the files under logs/ keep what matters
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            "kaiten-local-output");
    drainer.setDaemon(true);
    drainer.start();
  }

  /** Where the front door listens, e.g. {@code http://127.0.0.1:8080}. */
  String baseUrl() {
    return baseUrl;
  }

  JsonNode state() throws IOException {
    return JSON.readTree(dir.resolve("kaiten-local.json").toFile());
  }

  String instanceToken() throws IOException {
    return state().path("demo").path("instance_token").asText();
  }

  /** A DynamoDB client on this run's DynamoDB Local, from kaiten-local's state file. */
  software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo() throws IOException {
    JsonNode endpoints = state().path("aws_endpoints");
    return software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoints.path("dynamodb").asText()))
        .region(Region.of(endpoints.path("region").asText()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * An SQS client on this run's ElasticMQ, from the endpoints kaiten-local wrote to its state file.
   */
  SqsClient sqs() throws IOException {
    JsonNode endpoints = state().path("aws_endpoints");
    return SqsClient.builder()
        .endpointOverride(URI.create(endpoints.path("sqs").asText()))
        .region(Region.of(endpoints.path("region").asText()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  Path functionLog(String function) {
    return dir.resolve("logs").resolve(function + ".log");
  }

  /** The function's process, found among kaiten-local's children by what it runs. */
  Optional<ProcessHandle> functionProcess(String function) {
    // Children only: each function's watcher (a copy of its launching shell) carries the same
    // arguments.
    return process
        .children()
        .filter(
            p ->
                p.info().arguments().map(List::of).orElse(List.of()).stream()
                    .anyMatch(argument -> argument.contains("functions/" + function)))
        .findFirst();
  }

  /**
   * Sends {@code request} as written, byte for byte, and answers what came back until the server
   * closed.
   */
  String raw(String request) throws IOException {
    URI uri = URI.create(baseUrl);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The function processes: kaiten-local's own children (each function's watcher is a child of the
   * function).
   */
  List<ProcessHandle> functions() {
    return process.children().toList();
  }

  /** Every process kaiten-local started, with the functions' watchers. */
  List<ProcessHandle> children() {
    return process.descendants().toList();
  }

  HttpResponse<String> send(String method, String path, String token, String body) {
    return sendAsync(method, path, token, body).join();
  }

  CompletableFuture<HttpResponse<String>> sendAsync(
      String method, String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a 200 answer; any other answer fails the test, showing what came back. */
  JsonNode ok(HttpResponse<String> response) throws IOException {
    if (response.statusCode() != 200) {
      throw new AssertionError(
          response.request().method()
              + " "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return json(response);
  }

  /** The body of a 201 answer; any other answer fails the test, showing what came back. */
  JsonNode created(HttpResponse<String> response) throws IOException {
    if (response.statusCode() != 201) {
      throw new AssertionError(
          response.request().method()
              + " "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return json(response);
  }

  JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** SIGTERM, as Ctrl-C would; waits until kaiten-local has stopped everything it started. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = children();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      String threads = threadDumps(process.toHandle());
      process.destroyForcibly();
      throw new IllegalStateException(
          "kaiten-local did not stop within 30 s of SIGTERM; where its JVMs were:\n" + threads);
    }
    for (ProcessHandle child : children) {
      child.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    }
  }

  /**
   * The threads of kaiten-local's JVM and of the function JVMs still alive under it ({@code jcmd
   * PID Thread.print}), so a stop that hangs says where.
   */
  private static String threadDumps(ProcessHandle root) throws InterruptedException {
    StringBuilder dumps = new StringBuilder();
    List<ProcessHandle> alive = new ArrayList<>(List.of(root));
    root.descendants().filter(ProcessHandle::isAlive).forEach(alive::add);
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    for (ProcessHandle handle : alive) {
      String command = handle.info().commandLine().orElse("?");
      dumps.append("== ").append(handle.pid()).append(' ').append(command).append('\n');
      if (!command.contains("java")) {
        continue;
      }
      try {
        // Into a file, so a JVM that does not answer the attach cannot hold the test up.
        Path out = Files.createTempFile("kaiten-local-threads", ".txt");
        Process dump =
            new ProcessBuilder(jcmd.toString(), Long.toString(handle.pid()), "Thread.print")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!dump.waitFor(10, TimeUnit.SECONDS)) {
          dump.destroyForcibly();
        }
        dumps.append(Files.readString(out));
        Files.deleteIfExists(out);
      } catch (IOException e) {
        dumps.append("(no thread dump: ").append(e).append(")\n");
      }
    }
    return dumps.toString();
  }

  /** SIGKILL: kaiten-local gets no chance to stop what it started. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
