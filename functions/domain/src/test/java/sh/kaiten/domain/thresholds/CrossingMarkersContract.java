package sh.kaiten.domain.thresholds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.metering.CounterKey;

/**
 * What every {@link CrossingMarkers} does, run against the in-memory port and the DynamoDB adapter
 * alike: each (counter, period, alert) fires once, its event with it, and alerts, counters and
 * periods are apart.
 */
public abstract class CrossingMarkersContract {
  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract CrossingMarkers markers();

  /** Whether the outbox holds the event, to be published. */
  protected abstract boolean outboxed(Event event);

  private final String tenantId = "tnt_crossings_" + System.nanoTime();

  private CounterKey counter(String entitlement, String period) {
    return new CounterKey(tenantId, entitlement, CounterKey.instanceHolder("acme-prod"), period);
  }

  /**
   * An event made now: its outbox item expires by the wall clock a week later (see
   * LifecycleTimersContract).
   */
  private Event event(String id) {
    return new Event(
        id + "_" + System.nanoTime(),
        tenantId,
        EventType.USAGE_THRESHOLD_REACHED,
        Instant.now(),
        JsonNodeFactory.instance.objectNode());
  }

  @Test
  void anAlertFiresOnceAndItsEventGoesWithIt() {
    CounterKey counter = counter("api-calls", "2026-11-01T00:00:00Z");
    Event first = event("evt_first");
    Event again = event("evt_again");

    assertThat(markers().fire(counter, "80", first)).isTrue();
    assertThat(markers().fire(counter, "80", again)).isFalse();

    assertThat(outboxed(first)).isTrue();
    assertThat(outboxed(again)).isFalse();
  }

  @Test
  void alertsCountersAndPeriodsFireApart() {
    CounterKey november = counter("api-calls", "2026-11-01T00:00:00Z");

    assertThat(markers().fire(november, "80", event("evt_80"))).isTrue();
    assertThat(markers().fire(november, "100", event("evt_100"))).isTrue();
    assertThat(markers().fire(november, "exceeded", event("evt_exceeded"))).isTrue();
    assertThat(
            markers().fire(counter("storage", "2026-11-01T00:00:00Z"), "80", event("evt_storage")))
        .isTrue();
    assertThat(
            markers()
                .fire(counter("api-calls", "2026-12-01T00:00:00Z"), "80", event("evt_december")))
        .isTrue();
  }
}
