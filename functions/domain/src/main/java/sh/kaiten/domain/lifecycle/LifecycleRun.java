package sh.kaiten.domain.lifecycle;

import java.util.List;
import sh.kaiten.domain.events.Event;

/**
 * What one run of the lifecycle job did. A timer that failed does not stop the others; it stays
 * due and the next run tries it again.
 *
 * @param failures one line per timer that failed, naming it and why
 */
public record LifecycleRun(List<Event> fired, List<String> failures) {}
