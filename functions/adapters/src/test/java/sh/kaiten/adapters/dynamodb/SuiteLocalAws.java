package sh.kaiten.adapters.dynamodb;

import java.nio.file.Path;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB Local with the template's tables of one port's contract suite: started on the
 * suite's first use and stopped after it ({@link #stop} in its {@code @AfterAll}), as every adapter
 * test keeps its own, so no DynamoDB Local outlives its suite into another test class.
 */
final class SuiteLocalAws {
  private static LocalAws aws;

  private SuiteLocalAws() {}

  private static synchronized LocalAws aws() {
    if (aws == null) {
      aws =
          LocalAws.start(
              CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
      aws.stopExpiringItems(); // the suites run on clocks of their own, some in the past
    }
    return aws;
  }

  static synchronized void stop() {
    if (aws != null) {
      aws.close();
      aws = null;
    }
  }

  static DynamoDbClient dynamo() {
    return aws().dynamo();
  }

  /** The physical name of a table of template.yaml, by its logical id ({@code UsageTable}). */
  static String table(String logicalId) {
    return aws().resources().ref(logicalId);
  }

  /** How the outbox and audit records of a change join its transaction. */
  static ChangeItems changes() {
    return new ChangeItems(table("OutboxTable"), table("AuditTable"));
  }

  /** Whether the outbox holds the event: its stream publishes exactly what the outbox holds. */
  static boolean outboxed(String eventId) {
    return !dynamo()
        .getItem(
            r ->
                r.tableName(table("OutboxTable"))
                    .consistentRead(true)
                    .key(java.util.Map.of(Keys.PK, Attributes.s(Keys.outboxEvent(eventId)))))
        .item()
        .isEmpty();
  }
}
