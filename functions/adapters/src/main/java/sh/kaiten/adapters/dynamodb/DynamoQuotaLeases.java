package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.LeasedCounter;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Leases on the counter item itself ({@link LeaseItems}): each grant, settlement and release is one
 * {@code UpdateItem}, or one {@code TransactWriteItems} with its audit records (and a settlement's
 * key marker), conditioned on {@code held} and on the lease as read. The item holds at most {@code
 * maxLeases} leases (about 120 bytes each), far within DynamoDB's 400 KB.
 */
public final class DynamoQuotaLeases implements QuotaLeases {
  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  public DynamoQuotaLeases(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  @Override
  public LeasedCounter read(CounterKey key, Metering metering) {
    requireLeasable(metering);
    var response =
        dynamo.getItem(r -> r.tableName(table).key(CounterItems.key(key, 0)).consistentRead(true));
    return LeaseItems.counter(metering.aggregation(), response.item());
  }

  @Override
  public void grant(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      BigDecimal ceiling,
      int maxLeases,
      Instant now,
      ChangeRecords records) {
    requireLeasable(metering);
    LeaseItems.Expression change = new LeaseItems.Expression();
    BigDecimal freed = change.prune(seen, now);
    int pruned = seen.expired(now).size();
    change.held(seen, metering.aggregation(), lease.units().subtract(freed), ceiling);
    change.names.put("#leases", LeaseItems.LEASES);
    if (seen.leases().isEmpty()) {
      // No lease stored: the map is absent or empty, and is set whole.
      change.values.put(
          ":leases", AttributeValue.fromM(Map.of(lease.id(), LeaseItems.entry(lease))));
      change.values.put(":noLeases", n(0));
      change.sets.add("#leases = :leases");
      change.conditions.add("(attribute_not_exists(#leases) OR size(#leases) = :noLeases)");
    } else {
      String name = change.lease(lease.id());
      change.values.put(":lease", LeaseItems.entry(lease));
      change.values.put(":leaseBound", n(maxLeases - 1 + pruned));
      change.sets.add("#leases." + name + " = :lease");
      change.conditions.add("attribute_exists(#leases) AND size(#leases) <= :leaseBound");
    }
    write(key, change, List.of(), records);
  }

  @Override
  public CounterUpdate settle(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      LeasedCounter seen,
      Lease lease,
      BigDecimal value,
      long reports,
      Instant at,
      BigDecimal fromLease,
      BigDecimal fromPool,
      BigDecimal ceiling,
      Instant now,
      IdempotentReport remember,
      ChangeRecords records) {
    requireLeasable(metering);
    Aggregation aggregation = metering.aggregation();
    LeaseItems.Expression change = new LeaseItems.Expression();
    BigDecimal freed = change.prune(seen, now);
    // Units from the lease were held already; only what comes from the pool is held to the ceiling.
    change.held(
        seen, aggregation, fromPool.subtract(freed), fromPool.signum() > 0 ? ceiling : null);
    change.names.put("#total", CounterItems.TOTAL);
    change.names.put("#reports", CounterItems.REPORTS);
    change.values.put(":value", n(value));
    change.values.put(":reports", n(reports));
    change.adds.add("#total :value");
    change.adds.add("#reports :reports");
    String name = unchanged(change, lease);
    change.values.put(":left", n(lease.units().subtract(fromLease)));
    change.sets.add("#leases." + name + "." + "#units = :left");
    CounterChanges.closeNotes(
        key, aggregation, close, change.names, change.values, change.sets, change.removes);
    List<Put> markers =
        remember == null ? List.of() : List.of(MarkerItems.put(table, remember, at));
    IdempotentReport duplicate = write(key, change, markers, records);
    if (duplicate != null) {
      return new CounterUpdate.Duplicate(duplicate);
    }
    Tally before = seen.tally();
    return CounterUpdate.Counted.estimated(before, before.plus(value, reports, at));
  }

  @Override
  public void release(
      CounterKey key,
      Metering metering,
      LeasedCounter seen,
      Lease lease,
      Instant now,
      ChangeRecords records) {
    requireLeasable(metering);
    LeaseItems.Expression change = new LeaseItems.Expression();
    BigDecimal freed = change.prune(seen, now);
    change.held(seen, metering.aggregation(), freed.add(lease.units()).negate(), null);
    String name = unchanged(change, lease);
    change.removes.add("#leases." + name);
    write(key, change, List.of(), records);
  }

  /**
   * The condition that {@code lease} is as read (the caller found it live); its name in the
   * expression.
   */
  private static String unchanged(LeaseItems.Expression change, Lease lease) {
    String name = change.lease(lease.id());
    change.names.put("#leases", LeaseItems.LEASES);
    change.names.put("#units", LeaseItems.UNITS);
    change.names.put("#expires", LeaseItems.EXPIRES);
    change.values.put(":seenUnits", n(lease.units()));
    change.values.put(":seenExpires", n(lease.expiresAt().toEpochMilli()));
    change.conditions.add(
        "#leases."
            + name
            + ".#units = :seenUnits AND #leases."
            + name
            + ".#expires = :seenExpires");
    return name;
  }

  /**
   * The change alone ({@code UpdateItem}) or with its markers and records ({@code
   * TransactWriteItems}).
   *
   * @return what a marker already there remembers, or null when written
   * @throws CounterContendedException when the counter or the lease moved since it was read
   */
  private IdempotentReport write(
      CounterKey key, LeaseItems.Expression change, List<Put> markers, ChangeRecords records) {
    Update update =
        Update.builder()
            .tableName(table)
            .key(CounterItems.key(key, 0))
            .updateExpression(change.update())
            .conditionExpression(change.condition())
            .expressionAttributeNames(change.names)
            .expressionAttributeValues(change.valuesOrNull())
            .build();
    List<TransactWriteItem> recorded = audit(records);
    if (markers.isEmpty() && recorded.isEmpty()) {
      try {
        dynamo.updateItem(
            r ->
                r.tableName(table)
                    .key(update.key())
                    .updateExpression(update.updateExpression())
                    .conditionExpression(update.conditionExpression())
                    .expressionAttributeNames(update.expressionAttributeNames())
                    .expressionAttributeValues(update.expressionAttributeValues()));
        return null;
      } catch (ConditionalCheckFailedException | TransactionConflictException moved) {
        throw new CounterContendedException(moved);
      }
    }
    List<TransactWriteItem> items = new ArrayList<>(markers.size() + 1 + recorded.size());
    markers.forEach(marker -> items.add(TransactWriteItem.builder().put(marker).build()));
    items.add(TransactWriteItem.builder().update(update).build());
    items.addAll(recorded);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return null;
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < markers.size(); i++) {
        if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
          return MarkerItems.remembered(reasons.get(i).item());
        }
      }
      if (reasons.stream()
          .anyMatch(
              r ->
                  "ConditionalCheckFailed".equals(r.code())
                      || "TransactionConflict".equals(r.code()))) {
        throw new CounterContendedException(e);
      }
      throw e;
    }
  }

  private List<TransactWriteItem> audit(ChangeRecords records) {
    if (!records.events().isEmpty()) {
      throw new IllegalArgumentException("a lease announces no events");
    }
    if (records.isEmpty()) {
      return List.of();
    }
    if (changes == null) {
      throw new IllegalStateException(
          "these leases were made without the audit table: they cannot record");
    }
    return changes.of(records);
  }

  private static void requireLeasable(Metering metering) {
    if (!LeaseItems.keepsHeld(metering)) {
      throw new IllegalArgumentException("only unsharded SUM and COUNT counters take leases");
    }
  }
}
