package sh.kaiten.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;

/**
 * Starts DynamoDB Local and ElasticMQ in this JVM, provisions template.yaml in them, and hands the
 * function under test the environment the template gives it (init arg {@code function}: its logical
 * id), pointed at the local services. No Docker. One instance serves every test class of the JVM.
 */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

  private static LocalAws localAws;

  /** The bootstrap secret of the test deployment, made up per run as the template's secret. */
  public static String bootstrapSecret() {
    return localAws().resources().secretValue("BootstrapSecret");
  }
  private String function;

  /** The running local services, for tests that look behind the API (queues, raw items). */
  public static synchronized LocalAws localAws() {
    if (localAws == null) {
      localAws = LocalAws.start(CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
      Runtime.getRuntime().addShutdownHook(new Thread(localAws::close, "local-aws-stop"));
    }
    return localAws;
  }

  @Override
  public void init(Map<String, String> initArgs) {
    function = initArgs.get("function");
    if (function == null) {
      throw new IllegalArgumentException("LocalAwsResource needs the init arg 'function' (the template's logical id)");
    }
  }

  @Override
  public Map<String, String> start() {
    LocalAws aws = localAws();
    // The SDK's default credentials chain reads these; the local services accept any credentials.
    System.setProperty("aws.accessKeyId", aws.credentials().accessKeyId());
    System.setProperty("aws.secretAccessKey", aws.credentials().secretAccessKey());
    Map<String, String> config = new HashMap<>(aws.resources().environmentOf(function));
    config.put("AWS_REGION", LocalAws.REGION);
    config.put("KAITEN_AWS_DYNAMODB_ENDPOINT", aws.dynamoEndpoint().toString());
    config.put("KAITEN_AWS_SQS_ENDPOINT", aws.sqsEndpoint().toString());
    return config;
  }

  @Override
  public void stop() {
    // Kept running for the next test class of this JVM; the shutdown hook stops it.
  }
}
