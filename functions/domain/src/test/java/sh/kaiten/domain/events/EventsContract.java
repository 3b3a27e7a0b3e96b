package sh.kaiten.domain.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Events} does, run against the in-memory port and the SQS adapter alike: the
 * outbox's relay publishes each stored event through it, and the webhook dispatcher reads back
 * every event whole, with the id it was stored with, once per publish (a relay that publishes again
 * after a failure sends the same id twice; receivers drop the second by id).
 */
public abstract class EventsContract {
  /** The port under test. */
  protected abstract Events events();

  /** Every event published so far for the tenant, as its reader gets them (then they are gone). */
  protected abstract List<Event> published(String tenantId);

  /** Each test has a tenant of its own, so tests on one shared queue never meet. */
  private final String tenantId = "tnt_events_" + UUID.randomUUID().toString().replace("-", "");

  private Event event(String id, EventType type) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("license_id", "lic_1");
    data.putObject("previous").put("tier", "free");
    data.putArray("thresholds").add(80).add(100);
    return new Event(
        id + "_" + UUID.randomUUID(),
        tenantId,
        type,
        Instant.parse("2026-11-25T12:00:00.123456Z"),
        data);
  }

  @Test
  void anEventComesOutWholeWithTheIdItWasStoredWith() {
    Event upgraded = event("evt_upgraded", EventType.LICENSE_UPGRADED);

    events().publish(upgraded);

    assertThat(published(tenantId)).containsExactly(upgraded);
  }

  @Test
  void everyEventPublishedComesOutOnce() {
    Event created = event("evt_created", EventType.CUSTOMER_CREATED);
    Event crossed = event("evt_crossed", EventType.USAGE_THRESHOLD_REACHED);
    Event closed = event("evt_closed", EventType.USAGE_PERIOD_CLOSED);

    events().publish(created);
    events().publish(crossed);
    events().publish(closed);

    assertThat(published(tenantId)).containsExactlyInAnyOrder(created, crossed, closed);
    assertThat(published(tenantId)).isEmpty();
  }

  @Test
  void anEventPublishedAgainComesOutAgainWithTheSameId() {
    Event expired = event("evt_expired", EventType.TRIAL_EXPIRED);

    events().publish(expired);
    events().publish(expired);

    assertThat(published(tenantId)).containsExactly(expired, expired);
  }
}
