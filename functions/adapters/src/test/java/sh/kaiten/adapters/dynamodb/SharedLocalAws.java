package sh.kaiten.adapters.dynamodb;

import java.nio.file.Path;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One DynamoDB Local with the template's tables for the ports' contract suites of this test run: each
 * suite uses tenants and keys of its own, so they share it, started on first use and stopped with the JVM.
 */
final class SharedLocalAws {
  private static final class Holder {
    static final LocalAws AWS = start();

    private static LocalAws start() {
      LocalAws aws = LocalAws.start(CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
      Runtime.getRuntime().addShutdownHook(new Thread(aws::close, "local-aws-stop"));
      return aws;
    }
  }

  private SharedLocalAws() {}

  static DynamoDbClient dynamo() {
    return Holder.AWS.dynamo();
  }

  /** The physical name of a table of template.yaml, by its logical id ({@code UsageTable}). */
  static String table(String logicalId) {
    return Holder.AWS.resources().ref(logicalId);
  }

  /** How the outbox and audit records of a change join its transaction. */
  static ChangeItems changes() {
    return new ChangeItems(table("OutboxTable"), table("AuditTable"));
  }

  /** Whether the outbox holds the event: its stream publishes exactly what the outbox holds. */
  static boolean outboxed(String eventId) {
    return !dynamo().getItem(r -> r.tableName(table("OutboxTable")).consistentRead(true)
        .key(java.util.Map.of(Keys.PK, Attributes.s(Keys.outboxEvent(eventId))))).item().isEmpty();
  }
}
