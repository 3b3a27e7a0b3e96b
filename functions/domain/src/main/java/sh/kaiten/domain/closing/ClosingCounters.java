package sh.kaiten.domain.closing;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.metering.CounterKey;

/**
 * Port: the counter periods filed for their close by the instant their totals become final (noted
 * by each counter write, see {@link sh.kaiten.domain.metering.PeriodClose}), until they are done
 * with.
 */
public interface ClosingCounters {

  /**
   * At most {@code limit} counter periods final by {@code until} and not done with, each once,
   * earliest first.
   */
  List<CounterKey> due(Instant until, int limit);

  /**
   * What each item of the counter keeps of its period, read consistently: one item, or one per
   * shard written.
   */
  List<CounterItem> items(CounterKey counter);

  /** The item needs no more work: its period was announced. */
  void done(CounterItem item);
}
