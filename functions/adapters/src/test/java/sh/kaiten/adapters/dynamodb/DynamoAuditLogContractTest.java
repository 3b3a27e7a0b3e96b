package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditLogContract;

/** The DynamoDB audit log keeps the port's contract, on DynamoDB Local with the template's Audit table. */
class DynamoAuditLogContractTest extends AuditLogContract {
  private final DynamoAuditLog log = new DynamoAuditLog(SharedLocalAws.dynamo(), SharedLocalAws.table("AuditTable"));

  @Override
  protected AuditLog log() {
    return log;
  }
}
