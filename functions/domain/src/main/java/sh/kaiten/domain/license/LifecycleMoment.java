package sh.kaiten.domain.license;

import sh.kaiten.domain.events.EventType;

/** The dated moments of a license that the scheduler announces. */
public enum LifecycleMoment {
  TRIAL_ENDING_SOON(EventType.TRIAL_ENDING_SOON),
  TRIAL_EXPIRED(EventType.TRIAL_EXPIRED),
  LICENSE_EXPIRED(EventType.LICENSE_EXPIRED);

  private final EventType eventType;

  LifecycleMoment(EventType eventType) {
    this.eventType = eventType;
  }

  public EventType eventType() {
    return eventType;
  }
}
