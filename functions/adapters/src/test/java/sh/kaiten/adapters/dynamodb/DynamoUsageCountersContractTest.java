package sh.kaiten.adapters.dynamodb;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageCountersContract;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;

/** The DynamoDB counters keep the port's contract, on DynamoDB Local with the template's Usage table. */
class DynamoUsageCountersContractTest extends UsageCountersContract {
  private static LocalAws aws;
  private static DynamoUsageCounters counters;

  @BeforeAll
  static void start() {
    aws = LocalAws.start(CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    counters = new DynamoUsageCounters(aws.dynamo(), aws.resources().ref("UsageTable"));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }
}
