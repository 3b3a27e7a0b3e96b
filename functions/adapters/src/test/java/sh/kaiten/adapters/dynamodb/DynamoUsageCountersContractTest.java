package sh.kaiten.adapters.dynamodb;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageCountersContract;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;

/**
 * The DynamoDB counters keep the port's contract, on DynamoDB Local with the template's Usage
 * table.
 */
class DynamoUsageCountersContractTest extends UsageCountersContract {
  private static LocalAws aws;
  private static DynamoUsageCounters counters;
  private static DynamoAuditLog audit;

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    aws.stopExpiringItems(); // the suite's clock is its own, in the past
    counters =
        new DynamoUsageCounters(
            aws.dynamo(),
            aws.resources().ref("UsageTable"),
            new ChangeItems(null, aws.resources().ref("AuditTable")));
    audit = new DynamoAuditLog(aws.dynamo(), aws.resources().ref("AuditTable"));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected java.util.List<String> recorded(String tenantId) {
    return audit
        .records(
            tenantId,
            java.time.Instant.EPOCH,
            java.time.Instant.now().plus(java.time.Duration.ofDays(1)))
        .stream()
        .map(sh.kaiten.domain.audit.AuditRecord::id)
        .toList();
  }
}
