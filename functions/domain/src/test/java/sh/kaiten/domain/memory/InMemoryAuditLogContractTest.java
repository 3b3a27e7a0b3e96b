package sh.kaiten.domain.memory;

import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditLogContract;

/**
 * The in-memory audit log keeps the port's contract, so the audit trail's tests mean what they say.
 */
class InMemoryAuditLogContractTest extends AuditLogContract {
  private final InMemoryAuditLog log = new InMemoryAuditLog();

  @Override
  protected AuditLog log() {
    return log;
  }
}
