package sh.kaiten.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.LifecycleMoment;
import sh.kaiten.domain.license.LifecycleTimer;

/**
 * What every {@link LifecycleTimers} does, run against the in-memory port and the DynamoDB adapter
 * alike: a day's timers come due earliest first, each fires once with its event, and a timer done
 * with, or never filed, fires nothing.
 */
public abstract class LifecycleTimersContract {
  private static final LocalDate DAY = LocalDate.parse("2026-11-25");

  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract LifecycleTimers timers();

  /** Files a timer as a license's change does. */
  protected abstract void file(LifecycleTimer timer);

  /** Whether the outbox holds the event, to be published. */
  protected abstract boolean outboxed(Event event);

  private final String tenantId = "tnt_timers_" + System.nanoTime();

  private LifecycleTimer timer(String licenseId, String dueAt) {
    Instant due = Instant.parse(dueAt);
    return new LifecycleTimer(tenantId, licenseId, LifecycleMoment.LICENSE_EXPIRED, due, due);
  }

  /**
   * An event made now, not at a pinned date: its outbox item expires a week after it was made, and
   * DynamoDB (Local too) deletes items past their TTL by the wall clock, which {@link #outboxed}
   * must not race.
   */
  private Event event(String id) {
    return new Event(
        id + "_" + System.nanoTime(),
        tenantId,
        EventType.LICENSE_EXPIRED,
        Instant.now(),
        JsonNodeFactory.instance.objectNode());
  }

  private List<LifecycleTimer> due(String until) {
    return timers().due(DAY, Instant.parse(until)).stream()
        .filter(timer -> timer.tenantId().equals(tenantId))
        .toList();
  }

  @Test
  void aDaysTimersDueByTheTimeComeEarliestFirstThenByLicense() {
    LifecycleTimer ten = timer("lic_1", "2026-11-25T10:00:00Z");
    LifecycleTimer eightB = timer("lic_b", "2026-11-25T08:00:00Z");
    LifecycleTimer eightA = timer("lic_a", "2026-11-25T08:00:00Z");
    LifecycleTimer twelve = timer("lic_2", "2026-11-25T12:00:00Z");
    LifecycleTimer evening = timer("lic_3", "2026-11-25T20:00:00Z");
    LifecycleTimer nextDay = timer("lic_4", "2026-11-26T01:00:00Z");
    List.of(ten, eightB, eightA, twelve, evening, nextDay).forEach(this::file);

    assertThat(due("2026-11-25T12:00:00Z")).containsExactly(eightA, eightB, ten, twelve);
    assertThat(due("2026-11-25T07:59:59Z")).isEmpty();
  }

  @Test
  void aTimerFiresOnceAndItsEventGoesWithIt() {
    LifecycleTimer timer = timer("lic_1", "2026-11-25T09:00:00Z");
    file(timer);
    Event first = event("evt_first");
    Event second = event("evt_second");

    assertThat(timers().fire(timer, first)).isTrue();
    assertThat(timers().fire(timer, second)).isFalse();

    assertThat(outboxed(first)).isTrue();
    assertThat(outboxed(second)).isFalse();
    assertThat(due("2026-11-25T23:59:59Z")).isEmpty();
  }

  @Test
  void aTimerDoneWithIsNoLongerDueAndFiresNothing() {
    LifecycleTimer timer = timer("lic_1", "2026-11-25T09:00:00Z");
    LifecycleTimer other = timer("lic_2", "2026-11-25T09:30:00Z");
    file(timer);
    file(other);
    Event event = event("evt_done");

    timers().done(timer);

    assertThat(due("2026-11-25T23:59:59Z")).containsExactly(other);
    assertThat(timers().fire(timer, event)).isFalse();
    assertThat(outboxed(event)).isFalse();
  }

  @Test
  void aTimerNeverFiledFiresNothing() {
    Event event = event("evt_unfiled");

    assertThat(timers().fire(timer("lic_gone", "2026-11-25T09:00:00Z"), event)).isFalse();
    assertThat(outboxed(event)).isFalse();
  }
}
