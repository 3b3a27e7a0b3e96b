package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How a counter is kept on the Usage table: one item per shard ({@link #key}), holding what its
 * aggregation needs ({@code total} and {@code reports} for SUM, COUNT and AVERAGE; {@code max},
 * {@code min}; {@code latest} and {@code latest_at} for LATEST), and read back as a {@link Tally}.
 */
final class CounterItems {
  static final String TOTAL = "total";
  static final String REPORTS = "reports";
  static final String MAX = "max";
  static final String MIN = "min";
  static final String LATEST = "latest";
  static final String LATEST_AT = "latest_at";
  static final String AGGREGATION = "aggregation";
  static final String PERIOD_END = "period_end";
  static final String LIMIT = "limit";

  /** DynamoDB's TTL attribute of the table: epoch seconds after which the item may be removed. */
  static final String EXPIRES_AT = "expires_at";

  /**
   * Stands for the time of a report no aggregation but LATEST keeps: only LATEST compares times.
   */
  private static final Instant UNKNOWN_TIME = Instant.EPOCH;

  private CounterItems() {}

  /**
   * The item of one shard of a counter; shard 0 is the counter's own item, the only one of an
   * unsharded counter.
   */
  static Map<String, AttributeValue> key(CounterKey key, int shard) {
    return Map.of(Keys.PK, s(Keys.counter(key)), Keys.SK, s(Keys.period(key, shard)));
  }

  /**
   * The counter item as a tally: the smallest one with the same usage under the aggregation it
   * keeps (a counter keeps only what its aggregation needs; the other fields are placeholders).
   */
  static Tally tally(Aggregation aggregation, Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return Tally.EMPTY;
    }
    switch (aggregation) {
      case SUM, COUNT, AVERAGE -> {
        if (!item.containsKey(REPORTS)) {
          return Tally.EMPTY;
        }
        BigDecimal sum = decimal(item, TOTAL);
        return new Tally(sum, Long.parseLong(item.get(REPORTS).n()), sum, sum, sum, UNKNOWN_TIME);
      }
      case MAX, MIN -> {
        String field = aggregation == Aggregation.MAX ? MAX : MIN;
        return item.containsKey(field) ? single(decimal(item, field), UNKNOWN_TIME) : Tally.EMPTY;
      }
      case LATEST -> {
        return item.containsKey(LATEST)
            ? single(decimal(item, LATEST), fromTime(item.get(LATEST_AT)))
            : Tally.EMPTY;
      }
      default -> throw new IllegalArgumentException("no counter for " + aggregation);
    }
  }

  /**
   * A report's time as an exact number of epoch seconds (nanosecond fraction), so times compare as
   * numbers.
   */
  static AttributeValue time(Instant at) {
    return n(BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9)));
  }

  private static Instant fromTime(AttributeValue value) {
    BigDecimal seconds = new BigDecimal(value.n());
    long whole = seconds.longValue();
    return Instant.ofEpochSecond(
        whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
  }

  private static Tally single(BigDecimal value, Instant at) {
    return Tally.EMPTY.plus(value, at);
  }

  private static BigDecimal decimal(Map<String, AttributeValue> item, String name) {
    return new BigDecimal(item.get(name).n());
  }
}
