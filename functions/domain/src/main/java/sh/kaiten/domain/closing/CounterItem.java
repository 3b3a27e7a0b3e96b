package sh.kaiten.domain.closing;

import java.math.BigDecimal;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.Tally;

/**
 * What one stored item of a counter keeps of its period: the whole counter, or one of its shards
 * (shard 0 is the counter's own item). A period's total is the merge of its items.
 *
 * @param limit the limit the item's last report was held to; null for unlimited
 */
public record CounterItem(
    CounterKey counter,
    int shard,
    Aggregation aggregation,
    Period period,
    BigDecimal limit,
    Tally tally) {}
