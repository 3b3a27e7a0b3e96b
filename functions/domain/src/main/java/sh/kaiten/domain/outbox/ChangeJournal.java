package sh.kaiten.domain.outbox;

import java.util.List;
import sh.kaiten.domain.events.Event;

/**
 * Port: what the current request writes with the change it makes. The HTTP layer knows who asked,
 * the request id and what was sent, so it makes the audit record; the use case knows the change.
 */
public interface ChangeJournal {
  /** Seeds data without a trail: no events, no audit records (test fixtures, benchmarks). */
  ChangeJournal SILENT = (tenantId, type, subject, events) -> ChangeRecords.NONE;

  /**
   * @param type the audit record's type, e.g. {@code customer.created}
   * @param subject the id or slug of the record changed
   * @param events the events that announce the change, their ids fixed
   */
  ChangeRecords records(String tenantId, String type, String subject, List<Event> events);
}
