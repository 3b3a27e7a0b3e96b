package sh.kaiten.adapters.dynamodb;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A counter change written with what must move with it, in one {@code TransactWriteItems}: the
 * idempotency keys' markers (each put if absent or expired), the change, and the reports' audit
 * records. A transaction returns no old values: it is answered with the step the use case computed
 * from the counter as read just before ({@link CounterStep}), and a cancelled one tells from its
 * reasons whether a key was used, the ceiling refused the change, or another write got in the way.
 */
final class CounterTransactions {
  /**
   * How often a report refused by a counter that needed repair ({@link LeaseItems#repair}) is
   * written.
   */
  static final int REPAIRS = 3;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final CounterReader reader;

  /** Reads a counter as it stands, for the answer of a refusal after the last repair. */
  @FunctionalInterface
  interface CounterReader {
    Tally tally(CounterKey key, Metering metering);
  }

  CounterTransactions(DynamoDbClient dynamo, String table, Clock clock, CounterReader reader) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.reader = reader;
  }

  /**
   * The markers, the counter change of {@code step.reports()} and the records in one transaction:
   * all of them, or none. Counted, it answers the step as the use case computed it.
   */
  CounterUpdate write(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      List<Put> markers,
      List<TransactWriteItem> records) {
    boolean held = LeaseItems.keepsHeld(metering);
    for (int attempt = 1; ; attempt++) {
      CounterUpdate update = tryWrite(key, metering, close, step, ceiling, markers, records, held);
      if (update != null) {
        return update;
      }
      if (attempt == REPAIRS) {
        return new CounterUpdate.Refused(reader.tally(key, metering));
      }
    }
  }

  /**
   * One try of {@link #write}: null when the counter was refused but repaired, so it is worth
   * another.
   */
  private CounterUpdate tryWrite(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      List<Put> markers,
      List<TransactWriteItem> records,
      boolean held) {
    Aggregation aggregation = metering.aggregation();
    int shard = ThreadLocalRandom.current().nextInt(metering.shards());
    Update change =
        CounterChanges.change(table, key, shard, aggregation, close, step.reports(), ceiling, held)
            .toBuilder()
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    List<TransactWriteItem> items = new ArrayList<>(markers.size() + 1 + records.size());
    markers.forEach(marker -> items.add(TransactWriteItem.builder().put(marker).build()));
    items.add(TransactWriteItem.builder().update(change).build());
    items.addAll(records);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return CounterUpdate.Counted.estimated(step.before(), step.after());
    } catch (TransactionCanceledException e) {
      // One reason per item, in order: the markers, then the counter, then the records.
      List<CancellationReason> reasons = e.cancellationReasons();
      CounterUpdate duplicate = duplicate(markers, reasons);
      if (duplicate != null) {
        return duplicate;
      }
      CancellationReason counter = reasons.get(markers.size());
      if (failed(counter)
          && held
          && LeaseItems.repair(dynamo, table, key, aggregation, counter.item(), clock.instant())) {
        return null;
      }
      if (failed(counter)) {
        Tally now = CounterItems.tally(aggregation, counter.item());
        // A gauge beaten meanwhile by another report: this one still counts, without moving it.
        return CounterChanges.isGauge(aggregation)
            ? writeAlone(markers, records, now)
            : new CounterUpdate.Refused(now);
      }
      throw contendedOr(e);
    }
  }

  /**
   * A report that does not move its gauge: its marker (if any) and its records, together, without
   * the counter; a marker already there means the key was used before, and nothing is written.
   */
  CounterUpdate writeAlone(List<Put> markers, List<TransactWriteItem> records, Tally counter) {
    if (records.isEmpty()) {
      return markers.isEmpty()
          ? new CounterUpdate.Counted(counter, counter)
          : putMarkerAlone(markers.get(0), counter);
    }
    List<TransactWriteItem> items = new ArrayList<>(markers.size() + records.size());
    markers.forEach(marker -> items.add(TransactWriteItem.builder().put(marker).build()));
    items.addAll(records);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return new CounterUpdate.Counted(counter, counter);
    } catch (TransactionCanceledException e) {
      CounterUpdate duplicate = duplicate(markers, e.cancellationReasons());
      if (duplicate != null) {
        return duplicate;
      }
      throw contendedOr(e);
    }
  }

  private CounterUpdate putMarkerAlone(Put marker, Tally counter) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(marker.item())
                  .conditionExpression(marker.conditionExpression())
                  .expressionAttributeNames(marker.expressionAttributeNames())
                  .expressionAttributeValues(marker.expressionAttributeValues())
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new CounterUpdate.Counted(counter, counter);
    } catch (ConditionalCheckFailedException e) {
      return new CounterUpdate.Duplicate(MarkerItems.remembered(e.item()));
    }
  }

  /** The first marker whose key was used already, as the answer; null when every key was new. */
  private static CounterUpdate duplicate(List<Put> markers, List<CancellationReason> reasons) {
    for (int i = 0; i < markers.size(); i++) {
      if (failed(reasons.get(i))) {
        return new CounterUpdate.Duplicate(MarkerItems.remembered(reasons.get(i).item()));
      }
    }
    return null;
  }

  /**
   * A transaction that lost to a concurrent one is contended (worth a retry); any other
   * cancellation is itself.
   */
  private static RuntimeException contendedOr(TransactionCanceledException e) {
    if (e.cancellationReasons().stream()
        .anyMatch(reason -> "TransactionConflict".equals(reason.code()))) {
      return new CounterContendedException(e);
    }
    return e;
  }

  private static boolean failed(CancellationReason reason) {
    return "ConditionalCheckFailed".equals(reason.code());
  }
}
