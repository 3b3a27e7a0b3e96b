package sh.kaiten.domain.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.ScheduledRun;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.LifecycleTimer;

/**
 * The scheduler's lifecycle job: announces {@code trial.ending_soon}, {@code trial.expired} and
 * {@code license.expired} once each, when due. Licenses stop granting at their dates without this
 * job (evaluation compares dates on every request); it only tells the vendor. A timer fires in one
 * transaction with its event's outbox item, so its event goes out exactly when the timer is marked
 * fired, with the id it was given here, whatever fails in between. Days up to {@link #CATCH_UP}
 * back are looked at, so a scheduler that was down for less than that misses nothing.
 */
public final class LifecycleEvents {
  static final Duration CATCH_UP = Duration.ofDays(7);

  private final LifecycleTimers timers;
  private final LicenseStore licenses;
  private final Clock clock;

  public LifecycleEvents(LifecycleTimers timers, LicenseStore licenses, Clock clock) {
    this.timers = timers;
    this.licenses = licenses;
    this.clock = clock;
  }

  /** Fires what is due, in due order. */
  public ScheduledRun fireDue() {
    Instant now = clock.instant();
    List<Event> fired = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (LocalDate day = LocalDate.ofInstant(now.minus(CATCH_UP), ZoneOffset.UTC);
        !day.isAfter(today);
        day = day.plusDays(1)) {
      for (LifecycleTimer timer : timers.due(day, now)) {
        try {
          fire(timer, now).ifPresent(fired::add);
        } catch (RuntimeException e) {
          failures.add(
              timer.moment()
                  + " of license "
                  + timer.licenseId()
                  + " (tenant "
                  + timer.tenantId()
                  + "): "
                  + e.getMessage());
        }
      }
    }
    return new ScheduledRun(fired, failures);
  }

  private Optional<Event> fire(LifecycleTimer timer, Instant now) {
    Optional<License> license = licenses.findLicense(timer.tenantId(), timer.licenseId());
    if (license.isEmpty() || !timer.appliesTo(license.get())) {
      timers.done(timer);
      return Optional.empty();
    }
    Event event =
        new Event(
            Ids.newId(Event.ID_PREFIX, now),
            timer.tenantId(),
            timer.moment().eventType(),
            now,
            EventData.of(license.get()));
    return timers.fire(timer, event)
        ? Optional.of(event)
        : Optional.empty(); // else another run fired it
  }
}
