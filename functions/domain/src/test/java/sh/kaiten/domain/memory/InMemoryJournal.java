package sh.kaiten.domain.memory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * A journal for unit tests: one audit record per change, of its type, its subject and its outcome,
 * by actor {@code test}.
 */
public final class InMemoryJournal implements ChangeJournal {
  private int made;

  @Override
  public synchronized ChangeRecords records(
      String tenantId, String type, String subject, List<Event> events, ObjectNode outcome) {
    ObjectNode result = JsonNodeFactory.instance.objectNode().put("id", subject);
    if (outcome != null) {
      result.setAll(outcome);
    }
    Instant now = Instant.now();
    AuditRecord record =
        new AuditRecord(
            "aud_test" + (++made),
            tenantId,
            now,
            "test",
            type,
            null,
            List.of(),
            "{}",
            result.toString(),
            null,
            now.plus(Duration.ofDays(1)),
            null);
    return new ChangeRecords(events, List.of(record));
  }
}
