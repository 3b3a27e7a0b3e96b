package sh.kaiten.domain.events;

import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a scheduled job fired. A cause that failed does not stop the others; it stays due
 * and the next run tries it again.
 *
 * @param failures one line per cause that failed, naming it and why
 */
public record ScheduledRun(List<Event> fired, List<String> failures) {

  /** This run followed by {@code next}, as one. */
  public ScheduledRun and(ScheduledRun next) {
    List<Event> allFired = new ArrayList<>(fired);
    allFired.addAll(next.fired);
    List<String> allFailures = new ArrayList<>(failures);
    allFailures.addAll(next.failures);
    return new ScheduledRun(allFired, allFailures);
  }
}
