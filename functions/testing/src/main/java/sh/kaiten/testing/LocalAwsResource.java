package sh.kaiten.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;

/**
 * Runs DynamoDB and SQS for the tests, provisions template.yaml in them, and hands the function
 * under test the environment the template gives it (init arg {@code function}: its logical id),
 * pointed at those services. By default they are DynamoDB Local and ElasticMQ in this JVM, no
 * Docker; {@code -Dkaiten-test-aws=localstack} asks for LocalStack through Testcontainers instead.
 * One instance serves every test class of the JVM.
 */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {
  /** The switch: {@code embedded} (the default) or {@code localstack}. */
  public static final String SWITCH = "kaiten-test-aws";

  private static final String NO_DOCKER =
      SWITCH
          + "=localstack asked for LocalStack, but no Docker engine is available:"
          + " running on embedded DynamoDB Local and ElasticMQ instead";

  /** Requests per second of a tenant in the tests, unless the test gives it a budget of its own. */
  public static final String TESTS_BUDGET = "100000";

  /** System property naming the function under test (its logical id), for CalledOperations. */
  static final String FUNCTION_UNDER_TEST = "kaiten-test-function";

  private static LocalAws localAws;

  /** The bootstrap secret of the test deployment, made up per run as the template's secret. */
  public static String bootstrapSecret() {
    return localAws().resources().secretValue("BootstrapSecret");
  }

  private String function;

  /** The running services, for tests that look behind the API (queues, raw items). */
  public static synchronized LocalAws localAws() {
    if (localAws == null) {
      // A lambda rather than a method reference: LocalStackAws, and Testcontainers with it, load
      // only when asked for.
      localAws =
          start(
              System.getProperty(SWITCH, "embedded"),
              () -> LocalStackAws.dockerAvailable(),
              System.err);
      Runtime.getRuntime().addShutdownHook(new Thread(localAws::close, "local-aws-stop"));
    }
    return localAws;
  }

  /**
   * Starts the services {@code requested} names, with template.yaml provisioned. LocalStack needs a
   * Docker engine; without one this says so on {@code notices} and runs the embedded services, so
   * no test run ever needs Docker.
   */
  static LocalAws start(String requested, BooleanSupplier dockerAvailable, PrintStream notices) {
    if (!requested.equals("embedded") && !requested.equals("localstack")) {
      throw new IllegalArgumentException(SWITCH + " is embedded or localstack, not " + requested);
    }
    CloudFormationTemplate template =
        CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")));
    if (requested.equals("localstack")) {
      if (dockerAvailable.getAsBoolean()) {
        return LocalStackAws.start(template);
      }
      notices.println(NO_DOCKER);
    }
    return LocalAws.start(template, null);
  }

  @Override
  public void init(Map<String, String> initArgs) {
    function = initArgs.get("function");
    if (function == null) {
      throw new IllegalArgumentException(
          "LocalAwsResource needs the init arg 'function' (the template's logical id)");
    }
    System.setProperty(FUNCTION_UNDER_TEST, function);
  }

  @Override
  public Map<String, String> start() {
    LocalAws aws = localAws();
    // The SDK's default credentials chain reads these; the local services accept any credentials.
    System.setProperty("aws.accessKeyId", aws.credentials().accessKeyId());
    System.setProperty("aws.secretAccessKey", aws.credentials().secretAccessKey());
    Map<String, String> config = new HashMap<>(aws.resources().localEnvironmentOf(function));
    config.put("AWS_REGION", LocalAws.REGION);
    config.put("KAITEN_AWS_DYNAMODB_ENDPOINT", aws.dynamoEndpoint().toString());
    config.put("KAITEN_AWS_SQS_ENDPOINT", aws.sqsEndpoint().toString());
    // The suites drive thousands of requests per tenant within seconds; tests of the budget give
    // their
    // tenants budgets of their own (TenantBudgetTest).
    config.put("KAITEN_TENANT_BUDGET", TESTS_BUDGET);
    return config;
  }

  @Override
  public void stop() {
    // Kept running for the next test class of this JVM; the shutdown hook stops it.
  }
}
