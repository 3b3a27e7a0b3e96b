package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The update expression of a counter write. SUM, COUNT and AVERAGE {@code ADD} to {@code total} and
 * {@code reports}; MAX and MIN {@code SET} their extreme under the condition that the report beats
 * it; LATEST {@code SET}s value and time under the condition that the report is newer. A ceiling
 * becomes a condition in the same write, so concurrent reports can never pass a HARD limit
 * together.
 *
 * <p>Each write of a period that closes also notes, in the same write, what the scheduler needs to
 * announce the period once its totals are final: the keys of the sparse index {@link
 * Keys#USAGE_BY_CLOSING} (the same on every write of the period, so its first write makes the index
 * entry and later ones leave it as it is), the aggregation, the period's end and the limit the
 * report was held to.
 */
final class CounterChanges {
  private CounterChanges() {}

  /**
   * The write of some reports under their aggregation, on one shard of the counter, with the notes
   * for its period's close; its condition, if any, decides refusals and gauges.
   *
   * @param held whether the counter keeps {@code held} ({@link LeaseItems})
   */
  static Update change(
      String table,
      CounterKey key,
      int shard,
      Aggregation aggregation,
      PeriodClose close,
      Tally reports,
      BigDecimal ceiling,
      boolean held) {
    // SUM, COUNT and AVERAGE add the reports' total and count; the gauges take one report's value.
    BigDecimal value =
        switch (aggregation) {
          case SUM, COUNT, AVERAGE -> reports.sum();
          case MAX -> reports.max();
          case MIN -> reports.min();
          case LATEST -> reports.latest();
        };
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> adds = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    List<String> removes = new ArrayList<>();
    values.put(":value", n(value));
    String condition =
        switch (aggregation) {
          case SUM, COUNT, AVERAGE -> {
            names.put("#total", CounterItems.TOTAL);
            names.put("#reports", CounterItems.REPORTS);
            values.put(":count", n(reports.count()));
            adds.add("#total :value");
            adds.add("#reports :count");
            yield held
                ? heldCondition(aggregation, reports, ceiling, names, values, adds)
                : ceilingCondition(aggregation, reports, value, ceiling, values);
          }
          case MAX, MIN -> {
            names.put(
                "#extreme", aggregation == Aggregation.MAX ? CounterItems.MAX : CounterItems.MIN);
            sets.add("#extreme = :value");
            yield "attribute_not_exists(#extreme) OR #extreme "
                + (aggregation == Aggregation.MAX ? "<" : ">")
                + " :value";
          }
          case LATEST -> {
            names.put("#latest", CounterItems.LATEST);
            names.put("#at", CounterItems.LATEST_AT);
            values.put(":at", CounterItems.time(reports.latestAt()));
            sets.add("#latest = :value");
            sets.add("#at = :at");
            // Newer wins; at the same instant the larger value, as in Tally.
            yield "attribute_not_exists(#at) OR #at < :at OR (#at = :at AND #latest < :value)";
          }
        };
    closeNotes(key, aggregation, close, names, values, sets, removes);
    String expression = clause("ADD", adds) + clause("SET", sets) + clause("REMOVE", removes);
    return Update.builder()
        .tableName(table)
        .key(CounterItems.key(key, shard))
        .updateExpression(expression.strip())
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  /**
   * usage + leased + step <= ceiling: {@code held} is both, kept beside the usage ({@link
   * LeaseItems}).
   */
  private static String heldCondition(
      Aggregation aggregation,
      Tally reports,
      BigDecimal ceiling,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      List<String> adds) {
    BigDecimal step = LeaseItems.step(aggregation, reports);
    names.put("#held", LeaseItems.HELD);
    values.put(":step", n(step));
    adds.add("#held :step");
    if (ceiling == null) {
      // A counter written before it kept held is given it first (LeaseItems.repair).
      return "attribute_not_exists(#reports) OR attribute_exists(#held)";
    }
    BigDecimal room = ceiling.subtract(step);
    values.put(":room", n(room));
    return room.signum() >= 0
        ? "(attribute_not_exists(#reports) AND attribute_not_exists(#held)) OR #held <= :room"
        : "#held <= :room";
  }

  /**
   * usage + step <= ceiling, written as usage <= ceiling - step so DynamoDB can evaluate it; none
   * without a ceiling.
   */
  private static String ceilingCondition(
      Aggregation aggregation,
      Tally reports,
      BigDecimal value,
      BigDecimal ceiling,
      Map<String, AttributeValue> values) {
    if (ceiling == null) {
      return null;
    }
    String usage = aggregation == Aggregation.COUNT ? "#reports" : "#total";
    BigDecimal step =
        aggregation == Aggregation.COUNT ? BigDecimal.valueOf(reports.count()) : value;
    BigDecimal room = ceiling.subtract(step);
    values.put(":room", n(room));
    // A counter not written yet stands at zero: it takes the reports only if they fit on their own.
    return room.signum() >= 0
        ? "attribute_not_exists(" + usage + ") OR " + usage + " <= :room"
        : usage + " <= :room";
  }

  /**
   * What a write of a period that closes notes for its close, in the same write (see the class
   * comment).
   */
  static void closeNotes(
      CounterKey key,
      Aggregation aggregation,
      PeriodClose close,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      List<String> sets,
      List<String> removes) {
    if (!close.closes()) {
      return;
    }
    names.put("#bucket", Keys.CLOSING_BUCKET);
    names.put("#closes", Keys.CLOSES_AT);
    names.put("#aggregation", CounterItems.AGGREGATION);
    names.put("#end", CounterItems.PERIOD_END);
    names.put("#limit", CounterItems.LIMIT);
    values.put(":bucket", n(Keys.closingBucket(key)));
    values.put(":closes", s(Keys.closesAt(close.finalAt())));
    values.put(":aggregation", s(aggregation.name()));
    values.put(":end", instant(close.period().end()));
    sets.addAll(
        List.of(
            "#bucket = :bucket",
            "#closes = :closes",
            "#aggregation = :aggregation",
            "#end = :end"));
    if (close.limit() == null) {
      removes.add("#limit");
    } else {
      values.put(":limit", n(close.limit()));
      sets.add("#limit = :limit");
    }
  }

  static boolean isGauge(Aggregation aggregation) {
    return aggregation == Aggregation.MAX
        || aggregation == Aggregation.MIN
        || aggregation == Aggregation.LATEST;
  }

  private static String clause(String action, List<String> parts) {
    return parts.isEmpty() ? "" : " " + action + " " + String.join(", ", parts);
  }
}
