package sh.kaiten.domain.audit;

import java.time.Duration;

/** The trail is sealed by the hour, a little after each hour ends. */
public final class Hours {
  public static final Duration ONE = Duration.ofHours(1);

  /**
   * How long after an hour ends it is sealed: records are written while their request runs (the API
   * functions time out in 15 s), so by then every record of the hour is in.
   */
  public static final Duration SEALING_DELAY = Duration.ofMinutes(5);

  private Hours() {}
}
