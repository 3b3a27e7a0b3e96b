package sh.kaiten.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The journal of the request being served: a change's audit record is made here, from the request
 * (who, method, path, body, request id), and stored in the change's own transaction, so the record
 * exists exactly when the change does. The answer does not exist yet: the record's status is the
 * one the change answers when it is stored (201 for a POST, 204 for a DELETE, else 200).
 */
@RequestScoped
public class RequestJournal implements ChangeJournal {
  // Resolved per request: runtime config exists by then.
  @Inject Instance<Auditing> auditing;
  @Inject AuditTrail trail;
  @Inject CurrentCaller caller;

  @Override
  public ChangeRecords records(
      String tenantId, String type, String subject, List<Event> events, ObjectNode outcome) {
    String audited = trail.auditedType() != null ? trail.auditedType() : type;
    String actor = trail.actor() != null ? trail.actor() : caller.token().id();
    List<AuditRecord> records =
        auditing
            .get()
            .prepare(
                tenantId,
                actor,
                trail.requestId(),
                List.of(trail.generic(audited, subject, statusOnSuccess(), outcome)));
    trail.recordedWithChange(true);
    return new ChangeRecords(events, records);
  }

  /**
   * Records the resource made itself (a usage report's, with what it came to), made for the
   * change's transaction. The request's other entries, if any, are still written before the answer
   * leaves.
   */
  public List<AuditRecord> prepared(String tenantId, List<AuditEntry> entries) {
    String actor = trail.actor() != null ? trail.actor() : caller.token().id();
    List<AuditRecord> records = auditing.get().prepare(tenantId, actor, trail.requestId(), entries);
    trail.recordedWithChange(true);
    return records;
  }

  private int statusOnSuccess() {
    if (trail.successStatus() != 0) {
      return trail.successStatus();
    }
    return switch (trail.method() == null ? "" : trail.method()) {
      case "POST" -> 201;
      case "DELETE" -> 204;
      default -> 200;
    };
  }
}
