package sh.kaiten.domain.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeRecords;

/** What the in-memory stores write with a change: the outbox's events and the audit records. */
public final class InMemoryOutbox {
  public final List<Event> events = new CopyOnWriteArrayList<>();
  public final List<AuditRecord> audit = new CopyOnWriteArrayList<>();

  void write(ChangeRecords records) {
    events.addAll(records.events());
    audit.addAll(records.audit());
  }
}
