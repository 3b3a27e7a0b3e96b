package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditLogContract;

/**
 * The DynamoDB audit log keeps the port's contract, on DynamoDB Local with the template's Audit
 * table.
 */
class DynamoAuditLogContractTest extends AuditLogContract {
  private final DynamoAuditLog log =
      new DynamoAuditLog(SuiteLocalAws.dynamo(), SuiteLocalAws.table("AuditTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected AuditLog log() {
    return log;
  }
}
