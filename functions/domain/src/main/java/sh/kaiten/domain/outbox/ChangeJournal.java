package sh.kaiten.domain.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import sh.kaiten.domain.events.Event;

/**
 * Port: what the current request writes with the change it makes. The HTTP layer knows who asked,
 * the request id and what was sent, so it makes the audit record; the use case knows the change.
 */
public interface ChangeJournal {
  /** Seeds data without a trail: no events, no audit records (test fixtures, benchmarks). */
  ChangeJournal SILENT = (tenantId, type, subject, events, outcome) -> ChangeRecords.NONE;

  /**
   * @param type the audit record's type, e.g. {@code customer.created}
   * @param subject the id or slug of the record changed
   * @param events the events that announce the change, their ids fixed
   */
  default ChangeRecords records(String tenantId, String type, String subject, List<Event> events) {
    return records(tenantId, type, subject, events, null);
  }

  /**
   * The same, with what the change came to beyond its subject (a catalog apply's plan): its fields
   * are kept in the audit record's result, beside the status and the id.
   *
   * @param outcome null when the subject says it all
   */
  ChangeRecords records(
      String tenantId, String type, String subject, List<Event> events, ObjectNode outcome);
}
