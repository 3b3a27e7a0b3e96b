package sh.kaiten.domain.metering;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * Port: the periods a counter has kept, read back for billing and sales. A counter is an
 * entitlement's usage for one holder; each of its periods is one total (the merge of its shards).
 */
public interface UsageHistory {

  /** One period of a counter: its key ({@link Period#key()}) and what it kept. */
  record PeriodTally(String period, Tally tally) {}

  /**
   * Some periods of a counter, in key order; {@code more} when periods past the last one remain.
   */
  record Slice(List<PeriodTally> periods, boolean more) {}

  /**
   * The periods of the counter ({@code tenantId}, {@code entitlement}, {@code holder}) whose start
   * falls in [from, to), in key order, after the period {@code after}, at most {@code limit} of
   * them. With neither {@code from} nor {@code to}, the lifetime period ({@code reset: NONE}) is
   * listed too (last, its key sorts after every date); with either, only dated periods are.
   *
   * @param from inclusive, null for no lower bound
   * @param to exclusive, null for no upper bound
   * @param after a period key this counter listed before, null to start from the first
   */
  Slice periods(
      String tenantId,
      String entitlement,
      String holder,
      Aggregation aggregation,
      Instant from,
      Instant to,
      String after,
      int limit);
}
