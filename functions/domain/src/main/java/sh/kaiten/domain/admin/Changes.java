package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What the control plane's use cases write with each change: its event, its audit record, new
 * tokens, the time.
 */
final class Changes {
  private final ChangeJournal journal;
  private final Clock clock;

  Changes(ChangeJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * An event of the caller's tenant, its id fixed now: the outbox keeps it, and every publish of it
   * uses it.
   */
  Event event(ApiToken caller, EventType type, ObjectNode data) {
    Instant now = clock.instant();
    return new Event(Ids.newId(Event.ID_PREFIX, now), caller.tenantId(), type, now, data);
  }

  /** The change's event and its audit record, written with it. */
  ChangeRecords records(ApiToken caller, String auditType, String subject, Event event) {
    return journal.records(caller.tenantId(), auditType, subject, List.of(event));
  }

  /** The change's events (any number) and its audit record, written with it. */
  ChangeRecords records(String tenantId, String auditType, String subject, List<Event> events) {
    return journal.records(tenantId, auditType, subject, events);
  }

  /** The same, the audit record keeping {@code outcome}'s fields beside the subject. */
  ChangeRecords records(
      String tenantId, String auditType, String subject, List<Event> events, ObjectNode outcome) {
    return journal.records(tenantId, auditType, subject, events, outcome);
  }

  IssuedToken newToken(String tenantId, TokenScope scope, String instanceId, String licenseId) {
    Instant now = clock.instant();
    return new IssuedToken(
        new ApiToken(Ids.newId("tok", now), tenantId, scope, instanceId, licenseId, now),
        Secrets.newToken());
  }
}
