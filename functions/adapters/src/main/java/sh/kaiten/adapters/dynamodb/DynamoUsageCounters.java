package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.CounterChanges.isGauge;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Atomic counters on the Usage table ({@link CounterItems}): one {@code UpdateItem} per report
 * ({@link CounterChanges}), asking for the attributes as they were ({@code UPDATED_OLD}, or the
 * whole item when a condition fails), so the counter before and after a report is known without a
 * read. A group of reports of one SUM, COUNT or AVERAGE counter is the same write with their sum
 * and count.
 *
 * <p>A report with an idempotency key, or with audit records, is one {@code TransactWriteItems} of
 * the keys' markers ({@link MarkerItems}), the counter change and the records ({@link ChangeItems},
 * as a catalog change writes its own): see {@link CounterTransactions}. So a counted report always
 * has its record, and a report whose record was not stored was not counted either.
 *
 * <p>Longer than most classes here: it is the port's many operations, each a few lines, whose parts
 * (items, update expressions, markers, transactions, reads) already stand in classes of their own.
 */
public final class DynamoUsageCounters implements UsageCounters {
  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;
  private final Clock clock;
  private final BatchReads reads;
  private final CounterTransactions transactions;
  private final ShardViews views = new ShardViews();

  /** Counters only: {@link #count} and {@link #countAll} then take no audit records. */
  public DynamoUsageCounters(DynamoDbClient dynamo, String table) {
    this(dynamo, table, null);
  }

  /**
   * @param changes how counted reports' audit records join their counter change's transaction
   */
  public DynamoUsageCounters(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this(dynamo, table, changes, Clock.systemUTC());
  }

  /**
   * @param clock tells which leases have expired (a report refused only by those prunes them and
   *     tries again)
   */
  public DynamoUsageCounters(
      DynamoDbClient dynamo, String table, ChangeItems changes, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
    this.clock = clock;
    this.reads = new BatchReads(dynamo);
    this.transactions = new CounterTransactions(dynamo, table, clock, this::tally);
  }

  @Override
  public CounterUpdate add(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      BigDecimal value,
      Instant at,
      BigDecimal ceiling) {
    return fold(key, metering, close, Tally.EMPTY.plus(value, at), ceiling);
  }

  /**
   * One {@code UpdateItem} for the whole group: {@code ADD total :sum, reports :count}, under the
   * ceiling of the group.
   */
  @Override
  public CounterUpdate addAll(
      CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    requireAdditive(metering.aggregation());
    return fold(key, metering, close, reports, ceiling);
  }

  private CounterUpdate fold(
      CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    if (metering.shards() > 1) {
      return foldIntoShard(key, metering, close, reports);
    }
    return fold(
        key, 0, metering.aggregation(), close, reports, ceiling, LeaseItems.keepsHeld(metering));
  }

  /**
   * @param held whether the counter keeps {@code held} ({@link LeaseItems})
   */
  private CounterUpdate fold(
      CounterKey key,
      int shard,
      Aggregation aggregation,
      PeriodClose close,
      Tally reports,
      BigDecimal ceiling,
      boolean held) {
    for (int attempt = 1; ; attempt++) {
      Update change =
          CounterChanges.change(table, key, shard, aggregation, close, reports, ceiling, held);
      try {
        return foldOnItem(change, aggregation, reports);
      } catch (ConditionalCheckFailedException e) {
        if (held
            && attempt < CounterTransactions.REPAIRS
            && LeaseItems.repair(dynamo, table, key, aggregation, e.item(), clock.instant())) {
          continue; // a counter without held yet, or held back only by expired leases: try again on
          // it repaired
        }
        Tally now = CounterItems.tally(aggregation, e.item());
        // A failed condition refuses a report past a ceiling; for a gauge it only means the report
        // did not move it.
        return isGauge(aggregation)
            ? new CounterUpdate.Counted(now, now)
            : new CounterUpdate.Refused(now);
      }
    }
  }

  private CounterUpdate foldOnItem(Update change, Aggregation aggregation, Tally reports) {
    try {
      Map<String, AttributeValue> old =
          dynamo
              .updateItem(
                  r ->
                      r.tableName(table)
                          .key(change.key())
                          .updateExpression(change.updateExpression())
                          .conditionExpression(change.conditionExpression())
                          .expressionAttributeNames(change.expressionAttributeNames())
                          .expressionAttributeValues(change.expressionAttributeValues())
                          .returnValues(ReturnValue.UPDATED_OLD)
                          .returnValuesOnConditionCheckFailure(
                              ReturnValuesOnConditionCheckFailure.ALL_OLD))
              .attributes();
      Tally before = CounterItems.tally(aggregation, old);
      return new CounterUpdate.Counted(before, before.merge(reports));
    } catch (TransactionConflictException e) {
      throw new CounterContendedException(e);
    }
  }

  /**
   * Reports on one shard, picked at random, and the counter as this function sees it: every shard
   * as last read (at most {@link ShardViews#FRESHNESS} ago) with this shard as just written.
   */
  private CounterUpdate foldIntoShard(
      CounterKey key, Metering metering, PeriodClose close, Tally reports) {
    int shard = ThreadLocalRandom.current().nextInt(metering.shards());
    CounterUpdate update = fold(key, shard, metering.aggregation(), close, reports, null, false);
    Tally written = ((CounterUpdate.Counted) update).after();
    return views.written(
        key,
        metering.shards(),
        shard,
        written,
        () -> CounterReads.shards(reads, table, key, metering));
  }

  @Override
  public CounterUpdate count(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      IdempotentReport remember,
      ChangeRecords records) {
    Tally reports = step.reports();
    if (remember == null && records.isEmpty()) {
      return fold(key, metering, close, reports, ceiling);
    }
    List<Put> markers =
        remember == null ? List.of() : markers(List.of(remember), reports.latestAt());
    List<TransactWriteItem> recorded = audit(records);
    if (!step.moves(metering.aggregation())) {
      // The report does not move the gauge: only its marker and its records are written.
      return transactions.writeAlone(markers, recorded, step.before());
    }
    return transactions.write(key, metering, close, step, ceiling, markers, recorded);
  }

  /**
   * At most {@link #MAX_ITEMS_PER_WRITE} items: the markers (each key once), the counter change and
   * the records; a marker is well under 1 KB, so the request stays far within its 4 MB.
   */
  @Override
  public CounterUpdate countAll(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      List<IdempotentReport> remember,
      ChangeRecords records,
      Instant now) {
    requireAdditive(metering.aggregation());
    if (remember.isEmpty() && records.isEmpty()) {
      return addAll(key, metering, close, step.reports(), ceiling);
    }
    List<TransactWriteItem> recorded = audit(records);
    if (remember.size() + 1 + recorded.size() > MAX_ITEMS_PER_WRITE) {
      throw new IllegalArgumentException(
          "a group writes at most "
              + MAX_ITEMS_PER_WRITE
              + " items, not "
              + remember.size()
              + " keys, the counter and "
              + recorded.size()
              + " records");
    }
    return transactions.write(
        key, metering, close, step, ceiling, markers(remember, now), recorded);
  }

  private List<Put> markers(List<IdempotentReport> remember, Instant now) {
    return remember.stream().map(report -> MarkerItems.put(table, report, now)).toList();
  }

  /**
   * The audit records' puts and the billing stream's items, each only if new; a report writes no
   * events.
   */
  private List<TransactWriteItem> audit(ChangeRecords records) {
    if (!records.events().isEmpty()) {
      throw new IllegalArgumentException("a usage report announces no events");
    }
    if (changes == null && !records.isEmpty()) {
      throw new IllegalStateException(
          "these counters were made without the audit table: they cannot record reports");
    }
    return records.isEmpty() ? List.of() : changes.of(records);
  }

  @Override
  public Optional<IdempotentReport> remembered(
      String tenantId, String instanceId, String idempotencyKey, Instant now) {
    var response =
        dynamo.getItem(
            r ->
                r.tableName(table)
                    .consistentRead(true)
                    .key(MarkerItems.key(tenantId, instanceId, idempotencyKey)));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    IdempotentReport report = MarkerItems.remembered(response.item());
    return report.expiresAt().isAfter(now) ? Optional.of(report) : Optional.empty();
  }

  @Override
  public Map<String, IdempotentReport> remembered(
      String tenantId, String instanceId, Collection<String> idempotencyKeys, Instant now) {
    List<Map<String, AttributeValue>> markers =
        idempotencyKeys.stream()
            .distinct()
            .map(key -> MarkerItems.key(tenantId, instanceId, key))
            .toList();
    Map<String, IdempotentReport> found = new HashMap<>();
    for (Map<String, AttributeValue> item : reads.read(table, markers)) {
      IdempotentReport report = MarkerItems.remembered(item);
      if (report.expiresAt().isAfter(now)) {
        found.put(report.key(), report);
      }
    }
    return found;
  }

  @Override
  public Tally tally(CounterKey key, Metering metering) {
    if (metering.shards() > 1) {
      return tallies(Map.of(key, metering)).get(key);
    }
    var response =
        dynamo.getItem(r -> r.tableName(table).key(CounterItems.key(key, 0)).consistentRead(true));
    return CounterItems.tally(metering.aggregation(), response.item());
  }

  @Override
  public Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> counters) {
    CounterReads counterReads = new CounterReads(counters);
    return counterReads.found(reads.read(table, counterReads.keys())).tallies();
  }

  private static void requireAdditive(Aggregation aggregation) {
    if (isGauge(aggregation)) {
      throw new IllegalArgumentException(
          "only SUM, COUNT and AVERAGE counters take a group, not " + aggregation);
    }
  }
}
