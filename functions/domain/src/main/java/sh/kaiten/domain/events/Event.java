package sh.kaiten.domain.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Something that happened, as webhook receivers get it: {@code {"id","type","created_at","data"}}.
 * The id is stable: a retried or replayed event keeps it, so receivers can drop duplicates.
 */
public record Event(
    String id, String tenantId, EventType type, Instant createdAt, ObjectNode data) {

  public static final String ID_PREFIX = "evt";
}
