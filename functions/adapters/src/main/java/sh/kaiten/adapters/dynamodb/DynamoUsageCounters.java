package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.usage.IdempotentReport;
import sh.kaiten.domain.usage.ReportResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Atomic counters on the Usage table: one {@code UpdateItem} per report, holding what the
 * aggregation needs. SUM, COUNT and AVERAGE {@code ADD} to {@code total} and {@code reports}; MAX
 * and MIN {@code SET} their extreme under the condition that the report beats it; LATEST {@code SET}s
 * value and time under the condition that the report is newer. A ceiling becomes a condition in the
 * same write, so concurrent reports can never pass a HARD limit together.
 *
 * <p>Every write asks for the attributes as they were ({@code UPDATED_OLD}, or the whole item when a
 * condition fails), so the counter before and after a report is known without a read. A report with
 * an idempotency key is one {@code TransactWriteItems}: the key's marker (put if absent or expired)
 * and the counter change, together or not at all.
 *
 * <p>A group of reports of one SUM, COUNT or AVERAGE counter is the same write with their sum and
 * count ({@code ADD total :sum, reports :n}, under {@code total <= ceiling - sum}, or
 * {@code reports <= ceiling - n} for COUNT); with keys, one transaction holds every key's marker and
 * that one counter change.
 *
 * <p>usage-api counts a report ({@link #count}) or a group ({@link #countAll}) in one
 * {@code TransactWriteItems} of its markers, the counter change and its audit records ({@link ChangeItems},
 * as a catalog change writes its own), so a counted report always has its record and a report whose
 * record was not stored was not counted either. A transaction returns no old values: the answers, and
 * so the records, are computed from the counter as read just before.
 *
 * <p>Each write of a period that closes also notes, in the same write, what the scheduler needs to
 * announce the period once its totals are final: the keys of the sparse index {@link Keys#USAGE_BY_CLOSING}
 * (the same on every write of the period, so its first write makes the index entry and later ones
 * leave it as it is), the aggregation, the period's end and the limit the report was held to.
 */
public final class DynamoUsageCounters implements UsageCounters {
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
  private static final int BATCH_LIMIT = 100;
  /** Stands for the time of a report no aggregation but LATEST keeps: only LATEST compares times. */
  private static final Instant UNKNOWN_TIME = Instant.EPOCH;
  /** How often a report refused by a counter that needed repair ({@link LeaseItems#repair}) is written. */
  private static final int REPAIRS = 3;

  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;
  private final Clock clock;
  private final ShardViews views = new ShardViews();

  /** Counters only: {@link #count} and {@link #countAll} then take no audit records. */
  public DynamoUsageCounters(DynamoDbClient dynamo, String table) {
    this(dynamo, table, null);
  }

  /** @param changes how counted reports' audit records join their counter change's transaction */
  public DynamoUsageCounters(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this(dynamo, table, changes, Clock.systemUTC());
  }

  /** @param clock tells which leases have expired (a report refused only by those prunes them and tries again) */
  public DynamoUsageCounters(DynamoDbClient dynamo, String table, ChangeItems changes, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
    this.clock = clock;
  }

  @Override
  public CounterUpdate add(
      CounterKey key, Metering metering, PeriodClose close, BigDecimal value, Instant at, BigDecimal ceiling) {
    return fold(key, metering, close, Tally.EMPTY.plus(value, at), ceiling);
  }

  /** One {@code UpdateItem} for the whole group: {@code ADD total :sum, reports :count}, under the ceiling of the group. */
  @Override
  public CounterUpdate addAll(CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    requireAdditive(metering.aggregation());
    return fold(key, metering, close, reports, ceiling);
  }

  private CounterUpdate fold(CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
    if (metering.shards() > 1) {
      return foldIntoShard(key, metering, close, reports);
    }
    return fold(key, 0, metering.aggregation(), close, reports, ceiling, LeaseItems.keepsHeld(metering));
  }

  /** @param held whether the counter keeps {@code held} ({@link LeaseItems}) */
  private CounterUpdate fold(CounterKey key, int shard, Aggregation aggregation, PeriodClose close, Tally reports,
      BigDecimal ceiling, boolean held) {
    for (int attempt = 1; ; attempt++) {
      Update change = change(key, shard, aggregation, close, reports, ceiling, held);
      try {
        return foldOnItem(change, aggregation, reports);
      } catch (ConditionalCheckFailedException e) {
        if (held && attempt < REPAIRS && LeaseItems.repair(dynamo, table, key, aggregation, e.item(), clock.instant())) {
          continue; // a counter without held yet, or held back only by expired leases: try again on it repaired
        }
        return unchangedOrRefused(aggregation, tally(aggregation, e.item()));
      }
    }
  }

  private CounterUpdate foldOnItem(Update change, Aggregation aggregation, Tally reports) {
    try {
      Map<String, AttributeValue> old = dynamo.updateItem(r -> r.tableName(table).key(change.key())
          .updateExpression(change.updateExpression()).conditionExpression(change.conditionExpression())
          .expressionAttributeNames(change.expressionAttributeNames())
          .expressionAttributeValues(change.expressionAttributeValues())
          .returnValues(ReturnValue.UPDATED_OLD)
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
      Tally before = tally(aggregation, old);
      return new CounterUpdate.Counted(before, before.merge(reports));
    } catch (TransactionConflictException e) {
      throw new CounterContendedException(e);
    }
  }

  /**
   * Reports on one shard, picked at random, and the counter as this function sees it: every shard
   * as last read (at most {@link ShardViews#FRESHNESS} ago) with this shard as just written.
   */
  private CounterUpdate foldIntoShard(CounterKey key, Metering metering, PeriodClose close, Tally reports) {
    int shard = ThreadLocalRandom.current().nextInt(metering.shards());
    CounterUpdate update = fold(key, shard, metering.aggregation(), close, reports, null, false);
    Tally written = ((CounterUpdate.Counted) update).after();
    return views.written(key, metering.shards(), shard, written, () -> shardTallies(key, metering));
  }

  @Override
  public CounterUpdate addOnce(CounterKey key, Metering metering, PeriodClose close, BigDecimal value, Instant at,
      BigDecimal ceiling, Tally before, IdempotentReport remember) {
    Aggregation aggregation = metering.aggregation();
    Put marker = markerPut(remember, at);
    Tally reports = Tally.EMPTY.plus(value, at);
    Tally after = before.merge(reports);
    if (isGauge(aggregation) && !moves(aggregation, before, after)) {
      // The report does not move the gauge: only the key is remembered.
      return putMarkerAlone(marker, before);
    }
    return foldOnce(key, metering, close, reports, ceiling, before, List.of(marker));
  }

  /**
   * One {@code TransactWriteItems}: every key's marker, put if absent (or expired), and one counter
   * change for the whole group. At most 99 keys, so that the transaction stays within DynamoDB's 100
   * items; a marker is well under 1 KB, so the request stays far within its 4 MB.
   */
  @Override
  public CounterUpdate addAllOnce(CounterKey key, Metering metering, PeriodClose close, Tally reports,
      BigDecimal ceiling, Tally before, List<IdempotentReport> remember, Instant now) {
    requireAdditive(metering.aggregation());
    if (remember.isEmpty() || remember.size() > MAX_KEYS_PER_GROUP) {
      throw new IllegalArgumentException("a group remembers 1 to " + MAX_KEYS_PER_GROUP + " keys, not " + remember.size());
    }
    return foldOnce(key, metering, close, reports, ceiling, before,
        remember.stream().map(report -> markerPut(report, now)).toList());
  }

  @Override
  public CounterUpdate count(CounterKey key, Metering metering, PeriodClose close, BigDecimal value, Instant at,
      BigDecimal ceiling, Tally before, IdempotentReport remember, ChangeRecords records) {
    if (remember == null && records.isEmpty()) {
      return add(key, metering, close, value, at, ceiling);
    }
    Aggregation aggregation = metering.aggregation();
    List<Put> markers = remember == null ? List.of() : List.of(markerPut(remember, at));
    List<TransactWriteItem> recorded = audit(records);
    Tally reports = Tally.EMPTY.plus(value, at);
    if (isGauge(aggregation) && !moves(aggregation, before, before.merge(reports))) {
      // The report does not move the gauge: only its marker and its records are written.
      return writeAlone(markers, recorded, before);
    }
    return foldOnce(key, metering, close, reports, ceiling, before, markers, recorded);
  }

  /** At most {@link #MAX_ITEMS_PER_WRITE} items: the markers, the counter change and the records. */
  @Override
  public CounterUpdate countAll(CounterKey key, Metering metering, PeriodClose close, Tally reports,
      BigDecimal ceiling, Tally before, List<IdempotentReport> remember, ChangeRecords records, Instant now) {
    requireAdditive(metering.aggregation());
    if (remember.isEmpty() && records.isEmpty()) {
      return addAll(key, metering, close, reports, ceiling);
    }
    List<TransactWriteItem> recorded = audit(records);
    if (remember.size() + 1 + recorded.size() > MAX_ITEMS_PER_WRITE) {
      throw new IllegalArgumentException("a group writes at most " + MAX_ITEMS_PER_WRITE + " items, not "
          + remember.size() + " keys, the counter and " + recorded.size() + " records");
    }
    return foldOnce(key, metering, close, reports, ceiling, before,
        remember.stream().map(report -> markerPut(report, now)).toList(), recorded);
  }

  /** The audit records' puts, each only if new; a report writes no events. */
  private List<TransactWriteItem> audit(ChangeRecords records) {
    if (!records.events().isEmpty()) {
      throw new IllegalArgumentException("a usage report announces no events");
    }
    if (changes == null && !records.isEmpty()) {
      throw new IllegalStateException("these counters were made without the audit table: they cannot record reports");
    }
    return records.isEmpty() ? List.of() : changes.of(records);
  }

  private CounterUpdate foldOnce(CounterKey key, Metering metering, PeriodClose close, Tally reports,
      BigDecimal ceiling, Tally before, List<Put> markers) {
    return foldOnce(key, metering, close, reports, ceiling, before, markers, List.of());
  }

  /** The markers, the counter change and the records in one transaction: all of them, or none. */
  private CounterUpdate foldOnce(CounterKey key, Metering metering, PeriodClose close, Tally reports,
      BigDecimal ceiling, Tally before, List<Put> markers, List<TransactWriteItem> records) {
    boolean held = LeaseItems.keepsHeld(metering);
    for (int attempt = 1; ; attempt++) {
      CounterUpdate update = foldOnce(key, metering, close, reports, ceiling, before, markers, records, held);
      if (update != null) {
        return update;
      }
      if (attempt == REPAIRS) {
        return new CounterUpdate.Refused(tally(key, metering));
      }
    }
  }

  /** One try of {@link #foldOnce}: null when the counter was refused but repaired, so it is worth another. */
  private CounterUpdate foldOnce(CounterKey key, Metering metering, PeriodClose close, Tally reports,
      BigDecimal ceiling, Tally before, List<Put> markers, List<TransactWriteItem> records, boolean held) {
    Aggregation aggregation = metering.aggregation();
    int shard = ThreadLocalRandom.current().nextInt(metering.shards());
    Update change = change(key, shard, aggregation, close, reports, ceiling, held).toBuilder()
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    List<TransactWriteItem> items = new ArrayList<>(markers.size() + 1 + records.size());
    markers.forEach(marker -> items.add(TransactWriteItem.builder().put(marker).build()));
    items.add(TransactWriteItem.builder().update(change).build());
    items.addAll(records);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return CounterUpdate.Counted.estimated(before, before.merge(reports));
    } catch (TransactionCanceledException e) {
      // One reason per item, in order: the markers, then the counter, then the records.
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < markers.size(); i++) {
        if (failed(reasons.get(i))) {
          return new CounterUpdate.Duplicate(remembered(reasons.get(i).item()));
        }
      }
      CancellationReason counter = reasons.get(markers.size());
      if (failed(counter) && held
          && LeaseItems.repair(dynamo, table, key, aggregation, counter.item(), clock.instant())) {
        return null;
      }
      if (failed(counter)) {
        Tally now = tally(aggregation, counter.item());
        // A gauge beaten meanwhile by another report: this one still counts, without moving it.
        return isGauge(aggregation) ? writeAlone(markers, records, now) : new CounterUpdate.Refused(now);
      }
      if (reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()))) {
        throw new CounterContendedException(e);
      }
      throw e;
    }
  }

  /** A key's marker, put only if the key was never used or its marker expired by {@code now}. */
  Put markerPut(IdempotentReport remember, Instant now) {
    return Put.builder().tableName(table).item(marker(remember))
        .conditionExpression("attribute_not_exists(#pk) OR #expires < :now")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#expires", EXPIRES_AT))
        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
  }

  /**
   * A report that does not move its gauge: its marker (if any) and its records, together, without the
   * counter; a marker already there means the key was used before, and nothing is written.
   */
  private CounterUpdate writeAlone(List<Put> markers, List<TransactWriteItem> records, Tally counter) {
    if (records.isEmpty()) {
      return markers.isEmpty() ? new CounterUpdate.Counted(counter, counter) : putMarkerAlone(markers.get(0), counter);
    }
    List<TransactWriteItem> items = new ArrayList<>(markers.size() + records.size());
    markers.forEach(marker -> items.add(TransactWriteItem.builder().put(marker).build()));
    items.addAll(records);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return new CounterUpdate.Counted(counter, counter);
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < markers.size(); i++) {
        if (failed(reasons.get(i))) {
          return new CounterUpdate.Duplicate(remembered(reasons.get(i).item()));
        }
      }
      if (reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()))) {
        throw new CounterContendedException(e);
      }
      throw e;
    }
  }

  private CounterUpdate putMarkerAlone(Put marker, Tally counter) {
    try {
      dynamo.putItem(r -> r.tableName(table).item(marker.item()).conditionExpression(marker.conditionExpression())
          .expressionAttributeNames(marker.expressionAttributeNames())
          .expressionAttributeValues(marker.expressionAttributeValues())
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new CounterUpdate.Counted(counter, counter);
    } catch (ConditionalCheckFailedException e) {
      return new CounterUpdate.Duplicate(remembered(e.item()));
    }
  }

  @Override
  public Optional<IdempotentReport> remembered(String tenantId, String instanceId, String idempotencyKey, Instant now) {
    var response = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
        .key(Map.of(Keys.PK, s(Keys.idempotencyKey(tenantId, instanceId, idempotencyKey)), Keys.SK, s(Keys.REPORT))));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    IdempotentReport report = remembered(response.item());
    return report.expiresAt().isAfter(now) ? Optional.of(report) : Optional.empty();
  }

  /** BatchGetItem of the keys' markers, 100 a request, retrying what it leaves unprocessed. */
  @Override
  public Map<String, IdempotentReport> remembered(String tenantId, String instanceId, Collection<String> idempotencyKeys,
      Instant now) {
    List<Map<String, AttributeValue>> markers = idempotencyKeys.stream().distinct()
        .map(key -> Map.of(Keys.PK, s(Keys.idempotencyKey(tenantId, instanceId, key)), Keys.SK, s(Keys.REPORT))).toList();
    Map<String, IdempotentReport> found = new HashMap<>();
    for (int from = 0; from < markers.size(); from += BATCH_LIMIT) {
      Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
          .keys(markers.subList(from, Math.min(from + BATCH_LIMIT, markers.size()))).consistentRead(true).build());
      while (!request.isEmpty()) {
        BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
          IdempotentReport report = remembered(item);
          if (report.expiresAt().isAfter(now)) {
            found.put(report.key(), report);
          }
        }
        request = response.unprocessedKeys();
      }
    }
    return found;
  }

  @Override
  public Tally tally(CounterKey key, Metering metering) {
    if (metering.shards() > 1) {
      return tallies(Map.of(key, metering)).get(key);
    }
    var response = dynamo.getItem(r -> r.tableName(table).key(itemKey(key, 0)).consistentRead(true));
    return tally(metering.aggregation(), response.item());
  }

  /** BatchGetItem, 100 keys a request (DynamoDB's limit), retrying what it leaves unprocessed. */
  @Override
  public Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> counters) {
    CounterItems items = new CounterItems(counters);
    List<Map<String, AttributeValue>> pending = items.keys();
    for (int from = 0; from < pending.size(); from += BATCH_LIMIT) {
      Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
          .keys(pending.subList(from, Math.min(from + BATCH_LIMIT, pending.size()))).consistentRead(true).build());
      while (!request.isEmpty()) {
        BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
        response.responses().getOrDefault(table, List.of()).forEach(items::found);
        request = response.unprocessedKeys();
      }
    }
    return items.tallies();
  }

  /** Every shard of a counter as it stands, in shard order. */
  private Tally[] shardTallies(CounterKey key, Metering metering) {
    Map<Map<String, AttributeValue>, Tally> found = new HashMap<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int shard = 0; shard < metering.shards(); shard++) {
      keys.add(itemKey(key, shard));
    }
    Map<String, KeysAndAttributes> request =
        Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
    while (!request.isEmpty()) {
      BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
      response.responses().getOrDefault(table, List.of()).forEach(item -> found.put(
          Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK)), tally(metering.aggregation(), item)));
      request = response.unprocessedKeys();
    }
    Tally[] shards = new Tally[metering.shards()];
    for (int shard = 0; shard < shards.length; shard++) {
      shards[shard] = found.getOrDefault(keys.get(shard), Tally.EMPTY);
    }
    return shards;
  }

  /**
   * The write of one report under its aggregation, on one shard of the counter, with the notes for
   * its period's close; its condition, if any, decides refusals and gauges.
   */
  private Update change(CounterKey key, int shard, Aggregation aggregation, PeriodClose close, Tally reports,
      BigDecimal ceiling, boolean held) {
    // SUM, COUNT and AVERAGE add the reports' total and count; the gauges take one report's value.
    BigDecimal value = switch (aggregation) {
      case SUM, COUNT, AVERAGE -> reports.sum();
      case MAX -> reports.max();
      case MIN -> reports.min();
      case LATEST -> reports.latest();
    };
    Instant at = reports.latestAt();
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> adds = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    List<String> removes = new ArrayList<>();
    values.put(":value", n(value));
    String condition = null;
    switch (aggregation) {
      case SUM, COUNT, AVERAGE -> {
        names.put("#total", TOTAL);
        names.put("#reports", REPORTS);
        values.put(":count", n(reports.count()));
        adds.add("#total :value");
        adds.add("#reports :count");
        if (held) {
          // usage + leased + step <= ceiling: held is both, kept beside the usage (LeaseItems).
          BigDecimal step = LeaseItems.step(aggregation, reports);
          names.put("#held", LeaseItems.HELD);
          values.put(":step", n(step));
          adds.add("#held :step");
          if (ceiling != null) {
            BigDecimal room = ceiling.subtract(step);
            values.put(":room", n(room));
            condition = room.signum() >= 0
                ? "(attribute_not_exists(#reports) AND attribute_not_exists(#held)) OR #held <= :room"
                : "#held <= :room";
          } else {
            // A counter written before it kept held is given it first (LeaseItems.repair).
            condition = "attribute_not_exists(#reports) OR attribute_exists(#held)";
          }
        } else if (ceiling != null) {
          // usage + step <= ceiling, written as usage <= ceiling - step so DynamoDB can evaluate it.
          String usage = aggregation == Aggregation.COUNT ? "#reports" : "#total";
          BigDecimal step = aggregation == Aggregation.COUNT ? BigDecimal.valueOf(reports.count()) : value;
          BigDecimal room = ceiling.subtract(step);
          values.put(":room", n(room));
          // A counter not written yet stands at zero: it takes the reports only if they fit on their own.
          condition = room.signum() >= 0 ? "attribute_not_exists(" + usage + ") OR " + usage + " <= :room"
              : usage + " <= :room";
        }
      }
      case MAX, MIN -> {
        names.put("#extreme", aggregation == Aggregation.MAX ? MAX : MIN);
        sets.add("#extreme = :value");
        condition = "attribute_not_exists(#extreme) OR #extreme " + (aggregation == Aggregation.MAX ? "<" : ">") + " :value";
      }
      case LATEST -> {
        names.put("#latest", LATEST);
        names.put("#at", LATEST_AT);
        values.put(":at", time(at));
        sets.add("#latest = :value");
        sets.add("#at = :at");
        // Newer wins; at the same instant the larger value, as in Tally.
        condition = "attribute_not_exists(#at) OR #at < :at OR (#at = :at AND #latest < :value)";
      }
      default -> throw new IllegalArgumentException("no counter for " + aggregation);
    }
    closeNotes(key, aggregation, close, names, values, sets, removes);
    String expression = clause("ADD", adds) + clause("SET", sets) + clause("REMOVE", removes);
    return Update.builder().tableName(table).key(itemKey(key, shard)).updateExpression(expression.strip())
        .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /** What a write of a period that closes notes for its close, in the same write (see the class comment). */
  static void closeNotes(CounterKey key, Aggregation aggregation, PeriodClose close, Map<String, String> names,
      Map<String, AttributeValue> values, List<String> sets, List<String> removes) {
    if (!close.closes()) {
      return;
    }
    names.put("#bucket", Keys.CLOSING_BUCKET);
    names.put("#closes", Keys.CLOSES_AT);
    names.put("#aggregation", AGGREGATION);
    names.put("#end", PERIOD_END);
    names.put("#limit", LIMIT);
    values.put(":bucket", n(Keys.closingBucket(key)));
    values.put(":closes", s(Keys.closesAt(close.finalAt())));
    values.put(":aggregation", s(aggregation.name()));
    values.put(":end", instant(close.period().end()));
    sets.addAll(List.of("#bucket = :bucket", "#closes = :closes", "#aggregation = :aggregation", "#end = :end"));
    if (close.limit() == null) {
      removes.add("#limit");
    } else {
      values.put(":limit", n(close.limit()));
      sets.add("#limit = :limit");
    }
  }

  private static String clause(String action, List<String> parts) {
    return parts.isEmpty() ? "" : " " + action + " " + String.join(", ", parts);
  }

  private static void requireAdditive(Aggregation aggregation) {
    if (isGauge(aggregation)) {
      throw new IllegalArgumentException("only SUM, COUNT and AVERAGE counters take a group, not " + aggregation);
    }
  }

  private static boolean isGauge(Aggregation aggregation) {
    return aggregation == Aggregation.MAX || aggregation == Aggregation.MIN || aggregation == Aggregation.LATEST;
  }

  /** Whether a report changes what a gauge keeps: its value, or for LATEST also the time it holds. */
  private static boolean moves(Aggregation aggregation, Tally before, Tally after) {
    boolean valueMoves = after.value(aggregation).compareTo(before.value(aggregation)) != 0;
    return aggregation == Aggregation.LATEST ? valueMoves || !after.latestAt().equals(before.latestAt()) : valueMoves;
  }

  /** A failed condition refuses a report past a ceiling; for a gauge it only means the report did not move it. */
  private static CounterUpdate unchangedOrRefused(Aggregation aggregation, Tally now) {
    return isGauge(aggregation) ? new CounterUpdate.Counted(now, now) : new CounterUpdate.Refused(now);
  }

  private static boolean failed(CancellationReason reason) {
    return "ConditionalCheckFailed".equals(reason.code());
  }

  /**
   * The counter item as a tally: the smallest one with the same usage under the aggregation it keeps
   * (a counter keeps only what its aggregation needs; the other fields are placeholders).
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
        return item.containsKey(LATEST) ? single(decimal(item, LATEST), fromTime(item.get(LATEST_AT))) : Tally.EMPTY;
      }
      default -> throw new IllegalArgumentException("no counter for " + aggregation);
    }
  }

  private static Tally single(BigDecimal value, Instant at) {
    return Tally.EMPTY.plus(value, at);
  }

  private static BigDecimal decimal(Map<String, AttributeValue> item, String name) {
    return new BigDecimal(item.get(name).n());
  }

  /** A report's time as an exact number of epoch seconds (nanosecond fraction), so times compare as numbers. */
  private static AttributeValue time(Instant at) {
    return n(BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9)));
  }

  private static Instant fromTime(AttributeValue value) {
    BigDecimal seconds = new BigDecimal(value.n());
    long whole = seconds.longValue();
    return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
  }

  /** The item of one shard of a counter; shard 0 is the counter's own item, the only one of an unsharded counter. */
  static Map<String, AttributeValue> itemKey(CounterKey key, int shard) {
    return Map.of(Keys.PK, s(Keys.counter(key)), Keys.SK, s(Keys.period(key, shard)));
  }

  /** What an idempotency key remembers: the report's fingerprint and its whole first answer. */
  private static Map<String, AttributeValue> marker(IdempotentReport report) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.PK, s(Keys.idempotencyKey(report.tenantId(), report.instanceId(), report.key())));
    item.put(Keys.SK, s(Keys.REPORT));
    item.put("tenant_id", s(report.tenantId()));
    item.put("instance_id", s(report.instanceId()));
    item.put("key", s(report.key()));
    item.put("fingerprint", s(report.fingerprint()));
    item.put(EXPIRES_AT, n(report.expiresAt().getEpochSecond()));
    UsageState state = report.result().state();
    item.put("entitlement", s(state.entitlement()));
    item.put("current_usage", n(state.currentUsage()));
    item.put("status", s(state.status().name()));
    item.put("aggregation", s(state.aggregation().name()));
    item.put("enforcement", s(state.enforcement().name()));
    putIfSet(item, "limit", state.limit() == null ? null : n(state.limit()));
    putIfSet(item, "percentage_used", state.percentageUsed() == null ? null : n(state.percentageUsed()));
    putIfSet(item, "period_start", state.period().start() == null ? null : s(state.period().start().toString()));
    putIfSet(item, "period_end", state.period().end() == null ? null : s(state.period().end().toString()));
    putIfSet(item, "unit", state.unit() == null ? null : s(state.unit()));
    putIfSet(item, "reason", report.result().reason() == null ? null : s(report.result().reason().name()));
    return item;
  }

  static IdempotentReport remembered(Map<String, AttributeValue> item) {
    UsageState state = new UsageState(
        Attributes.string(item, "entitlement"),
        Attributes.decimal(item, "limit"),
        decimal(item, "current_usage"),
        Attributes.decimal(item, "percentage_used"),
        UsageStatus.valueOf(Attributes.string(item, "status")),
        Aggregation.valueOf(Attributes.string(item, "aggregation")),
        new Period(Attributes.instant(item, "period_start"), Attributes.instant(item, "period_end")),
        Enforcement.valueOf(Attributes.string(item, "enforcement")),
        Attributes.string(item, "unit"));
    String reason = Attributes.string(item, "reason");
    return new IdempotentReport(Attributes.string(item, "tenant_id"), Attributes.string(item, "instance_id"),
        Attributes.string(item, "key"), Attributes.string(item, "fingerprint"),
        new ReportResult(state, reason == null ? null : Reason.valueOf(reason)),
        Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())));
  }

  private static void putIfSet(Map<String, AttributeValue> item, String name, AttributeValue value) {
    if (value != null) {
      item.put(name, value);
    }
  }
}
