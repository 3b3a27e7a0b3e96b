package sh.kaiten.local.aws;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * DynamoDB Local and ElasticMQ (the SQS API) running in this JVM on loopback, with the resources of
 * template.yaml provisioned; or, through {@link #attach}, the same resources provisioned in
 * services someone else runs (LocalStack). Closing it stops only what it started.
 */
public final class LocalAws implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT_ID = "000000000000";
  private static final String SECRETS_FILE = "kaiten-local-secrets.properties";

  private final URI dynamoEndpoint;
  private final URI sqsEndpoint;
  private final LocalCredentials credentials;
  private final DynamoDbClient dynamo;
  private final DynamoDbStreamsClient streams;
  private final SqsClient sqs;
  private final ProvisionedResources resources;
  private final Runnable stopServices;

  private LocalAws(
      URI dynamoEndpoint,
      URI sqsEndpoint,
      LocalCredentials credentials,
      CloudFormationTemplate template,
      Map<String, String> parameters,
      Path dataDir,
      Runnable stopServices) {
    this.dynamoEndpoint = dynamoEndpoint;
    this.sqsEndpoint = sqsEndpoint;
    this.credentials = credentials;
    this.stopServices = stopServices;
    StaticCredentialsProvider provider =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()));
    this.dynamo =
        DynamoDbClient.builder()
            .endpointOverride(dynamoEndpoint)
            .region(Region.of(REGION))
            .credentialsProvider(provider)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    this.streams =
        DynamoDbStreamsClient.builder()
            .endpointOverride(dynamoEndpoint)
            .region(Region.of(REGION))
            .credentialsProvider(provider)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    this.sqs =
        SqsClient.builder()
            .endpointOverride(sqsEndpoint)
            .region(Region.of(REGION))
            .credentialsProvider(provider)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    this.resources =
        new TemplateProvisioner(template, dynamo, sqs, REGION, ACCOUNT_ID).provision(parameters);
    if (dataDir != null) {
      keepSecrets(template, dataDir.resolve(SECRETS_FILE));
    }
  }

  /**
   * Secrets made up on the first start of a data folder are kept in it, so they stay what they were
   * as a deployed secret does: the audit digests signed before a restart still verify after it.
   */
  private void keepSecrets(CloudFormationTemplate template, Path file) {
    Properties kept = new Properties();
    try {
      if (Files.exists(file)) {
        try (Reader reader = Files.newBufferedReader(file)) {
          kept.load(reader);
        }
      }
      boolean added = false;
      for (String secret : template.resourcesOfType("AWS::SecretsManager::Secret").keySet()) {
        if (kept.containsKey(secret)) {
          resources.putSecret(resources.ref(secret), kept.getProperty(secret));
        } else {
          kept.setProperty(secret, resources.secretValue(secret));
          added = true;
        }
      }
      if (added) {
        if (!Files.exists(file)) {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer writer = Files.newBufferedWriter(file)) {
          kept.store(writer, "kaiten-local's made-up secrets for this data folder");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep the local secrets in " + file, e);
    }
  }

  /**
   * Provisions {@code template} in DynamoDB and SQS services that are already running; closing the
   * result closes its clients and leaves the services to whoever started them.
   */
  public static LocalAws attach(
      URI dynamoEndpoint,
      URI sqsEndpoint,
      LocalCredentials credentials,
      CloudFormationTemplate template) {
    return new LocalAws(
        dynamoEndpoint, sqsEndpoint, credentials, template, Map.of(), null, () -> {});
  }

  /**
   * Starts both services on free loopback ports and provisions {@code template}.
   *
   * @param dataDir where DynamoDB Local keeps its data; null keeps everything in memory
   */
  public static LocalAws start(CloudFormationTemplate template, Path dataDir) {
    return start(template, dataDir, Map.of());
  }

  /**
   * @param parameters template parameters to set; the others take their defaults
   */
  public static LocalAws start(
      CloudFormationTemplate template, Path dataDir, Map<String, String> parameters) {
    int dynamoPort = freePort();
    int sqsPort = freePort();
    DynamoDBProxyServer dynamoServer = startDynamo(dynamoPort, dataDir);
    SQSRestServer sqsServer =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withPort(sqsPort)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
            .start();
    sqsServer.waitUntilStarted();
    return new LocalAws(
        URI.create("http://127.0.0.1:" + dynamoPort),
        URI.create("http://127.0.0.1:" + sqsPort),
        LocalCredentials.generate(),
        template,
        parameters,
        dataDir,
        () -> stop(sqsServer, dynamoServer));
  }

  /**
   * How long a stop waits for ElasticMQ: its HTTP server drains open connections before it ends,
   * which on a loaded machine took past 30 s. Nothing of an in-memory queue outlives the JVM, so
   * past this the stop goes on without it.
   */
  private static final Duration SQS_STOP = Duration.ofSeconds(10);

  private static void stop(SQSRestServer sqsServer, DynamoDBProxyServer dynamoServer) {
    Thread stopping = new Thread(sqsServer::stopAndWait, "elasticmq-stop");
    stopping.setDaemon(true);
    stopping.start();
    try {
      stopping.join(SQS_STOP.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopping.isAlive()) {
      System.err.println(
          "[kaiten-local] ElasticMQ had not stopped after "
              + SQS_STOP.toSeconds()
              + " s; going on");
    }
    try {
      dynamoServer.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    }
  }

  private static DynamoDBProxyServer startDynamo(int port, Path dataDir) {
    List<String> args =
        new ArrayList<>(List.of("-port", String.valueOf(port), "-sharedDb", "-disableTelemetry"));
    if (dataDir == null) {
      args.add("-inMemory");
    } else {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      args.addAll(List.of("-dbPath", dataDir.toAbsolutePath().toString()));
    }
    try {
      DynamoDBProxyServer server =
          ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
      bindToLoopback(server);
      server.start();
      return server;
    } catch (Exception e) {
      throw new IllegalStateException(
          "DynamoDB Local did not start (is sqlite4java.library.path set?)", e);
    }
  }

  /**
   * DynamoDB Local offers no option for the address it listens on and binds every interface; its
   * Jetty connector is set to loopback before it starts, so the local data is not on the network.
   */
  private static void bindToLoopback(DynamoDBProxyServer proxy)
      throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      ((ServerConnector) connector).setHost(InetAddress.getLoopbackAddress().getHostAddress());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI dynamoEndpoint() {
    return dynamoEndpoint;
  }

  public URI sqsEndpoint() {
    return sqsEndpoint;
  }

  /** Throwaway credentials: the local services accept any, but the SDK signs every request. */
  public LocalCredentials credentials() {
    return credentials;
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  /** The tables' streams (DynamoDB Local serves the Streams API on its own endpoint). */
  public DynamoDbStreamsClient streams() {
    return streams;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public ProvisionedResources resources() {
    return resources;
  }

  /**
   * Turns time to live off on every table, for tests whose clock is not the wall clock: DynamoDB
   * Local deletes an item about a second after its TTL attribute passes by the wall clock, so an
   * item a test stamped from a clock set in the past could vanish in the middle of the test. What
   * the adapters decide from an expiry (a condition on it, a read that skips it) does not change.
   */
  public void stopExpiringItems() {
    for (String table : dynamo.listTables().tableNames()) {
      var ttl = dynamo.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
      if (ttl.attributeName() != null) {
        dynamo.updateTimeToLive(
            r ->
                r.tableName(table)
                    .timeToLiveSpecification(
                        s -> s.attributeName(ttl.attributeName()).enabled(false)));
      }
    }
  }

  @Override
  public void close() {
    dynamo.close();
    streams.close();
    sqs.close();
    stopServices.run();
  }
}
