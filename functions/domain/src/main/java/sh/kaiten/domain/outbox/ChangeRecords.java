package sh.kaiten.domain.outbox;

import java.util.List;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.events.Event;

/**
 * What a control-plane change writes together with itself, in the same transaction: the events that
 * announce it (into the outbox, whose stream publishes them with the ids they have here) and its
 * audit records. So a stored change always has its events and its record, and a change that was not
 * stored has neither. A write that counts usage reports carries them too ({@code usage}: into the
 * outbox, for the billing stream), so a counted report is billed exactly when it was counted.
 */
public record ChangeRecords(
    List<Event> events, List<AuditRecord> audit, List<AcceptedUsage> usage) {
  /** Nothing besides the change itself (fixtures that seed data). */
  public static final ChangeRecords NONE = new ChangeRecords(List.of(), List.of());

  public ChangeRecords {
    events = List.copyOf(events);
    audit = List.copyOf(audit);
    usage = List.copyOf(usage);
  }

  /** A change that counts no usage. */
  public ChangeRecords(List<Event> events, List<AuditRecord> audit) {
    this(events, audit, List.of());
  }

  public boolean isEmpty() {
    return events.isEmpty() && audit.isEmpty() && usage.isEmpty();
  }
}
