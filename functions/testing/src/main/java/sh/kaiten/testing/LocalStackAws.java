package sh.kaiten.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.local.aws.LocalCredentials;

/**
 * LocalStack in Docker, through Testcontainers. The only class that names Testcontainers, so that
 * the default embedded path never loads it.
 */
final class LocalStackAws {
  // Pinned to a release from before March 2026: later LocalStack images refuse to start without an
  // auth token.
  private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.12");

  private LocalStackAws() {}

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /**
   * Starts LocalStack once and provisions {@code template} in it. DynamoDB and SQS are all it
   * needs: the template's secrets are made up by the provisioner, not stored in Secrets Manager.
   */
  static LocalAws start(CloudFormationTemplate template) {
    LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("dynamodb", "sqs");
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "localstack-stop"));
    return LocalAws.attach(
        container.getEndpoint(),
        container.getEndpoint(),
        new LocalCredentials(container.getAccessKey(), container.getSecretKey()),
        template);
  }
}
