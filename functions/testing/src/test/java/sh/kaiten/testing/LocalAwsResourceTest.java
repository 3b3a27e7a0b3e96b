package sh.kaiten.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.aws.LocalAws;

class LocalAwsResourceTest {
  private static final BooleanSupplier NEVER_ASK_DOCKER =
      () -> {
        throw new AssertionError("asked for Docker");
      };

  private final ByteArrayOutputStream notices = new ByteArrayOutputStream();
  private final PrintStream noticeStream = new PrintStream(notices, true, UTF_8);

  @Test
  void embeddedRunsOnLoopbackInThisJvmWithoutAskingForDocker() {
    try (LocalAws aws = LocalAwsResource.start("embedded", NEVER_ASK_DOCKER, noticeStream)) {
      assertThat(aws.dynamoEndpoint().getHost()).isEqualTo("127.0.0.1");
      assertThat(aws.sqsEndpoint().getHost()).isEqualTo("127.0.0.1");
      assertThat(aws.dynamo().listTables().tableNames())
          .contains(aws.resources().ref("CatalogTable"));
    }
    assertThat(notices.toString(UTF_8)).isEmpty();
  }

  @Test
  void localstackWithoutDockerRunsEmbeddedAndSaysSoOnce() {
    try (LocalAws aws = LocalAwsResource.start("localstack", () -> false, noticeStream)) {
      assertThat(aws.dynamoEndpoint().getHost()).isEqualTo("127.0.0.1");
      assertThat(aws.sqsEndpoint().getHost()).isEqualTo("127.0.0.1");
    }
    assertThat(notices.toString(UTF_8))
        .isEqualTo(
            "kaiten-test-aws=localstack asked for LocalStack, but no Docker engine"
                + " is available: running on embedded DynamoDB Local and ElasticMQ instead"
                + System.lineSeparator());
  }

  @Test
  void anUnknownSwitchValueIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> LocalAwsResource.start("locakstack", NEVER_ASK_DOCKER, noticeStream))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kaiten-test-aws is embedded or localstack, not locakstack");
  }

  /**
   * The real check has to answer, not throw, on machines without Docker for the fallback to happen
   * there.
   */
  @Test
  void testcontainersDockerCheckAnswersInsteadOfThrowing() {
    assertThatCode(LocalStackAws::dockerAvailable).doesNotThrowAnyException();
  }
}
