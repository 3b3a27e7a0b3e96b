package sh.kaiten.testing;

import io.quarkus.test.common.DevServicesContext;
import java.util.HashMap;
import java.util.Map;
import sh.kaiten.local.aws.LocalAws;

/**
 * {@link LocalAwsResource} for {@code @QuarkusIntegrationTest}s: the function runs as its packaged
 * artifact (the runner jar of function.zip, or the native executable with -Pnative) in a process of
 * its own, which takes this configuration as system properties. Besides the template's environment,
 * it is handed the local services' credentials (made up per run), which the SDK's default chain
 * reads from the system properties {@code aws.accessKeyId} and {@code aws.secretAccessKey}. Init
 * args other than {@code function} override variables of that environment (the profile of a
 * packaged function is prod: a test's {@code %test.} settings do not reach it).
 *
 * <p>The function polls the Lambda mock event server Quarkus starts for the test on a free port; a
 * Lambda function listens on no port itself, so RestAssured is not pointed anywhere: tests send
 * their requests to {@link #mockEventServerPort()}.
 */
public class PackagedFunctionResource extends LocalAwsResource
    implements DevServicesContext.ContextAware {
  private static final String MOCK_EVENT_SERVER_PORT = "quarkus.lambda.mock-event-server.test-port";
  private static volatile int mockEventServerPort;
  private final Map<String, String> overrides = new HashMap<>();

  /**
   * The port the function under test takes its invocations from (HTTP requests, or raw events on
   * /_lambda_).
   */
  public static int mockEventServerPort() {
    if (mockEventServerPort == 0) {
      throw new IllegalStateException(
          "no mock event server: is this a @QuarkusIntegrationTest with this resource?");
    }
    return mockEventServerPort;
  }

  @Override
  public void setIntegrationTestContext(DevServicesContext context) {
    String port = context.devServicesProperties().get(MOCK_EVENT_SERVER_PORT);
    if (port == null) {
      throw new IllegalStateException(
          MOCK_EVENT_SERVER_PORT
              + " is not among the dev services' properties: "
              + context.devServicesProperties().keySet());
    }
    mockEventServerPort = Integer.parseInt(port);
  }

  @Override
  public void init(Map<String, String> initArgs) {
    super.init(initArgs);
    overrides.putAll(initArgs);
    overrides.remove("function");
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    LocalAws aws = localAws();
    config.put("aws.accessKeyId", aws.credentials().accessKeyId());
    config.put("aws.secretAccessKey", aws.credentials().secretAccessKey());
    config.putAll(overrides);
    return config;
  }
}
