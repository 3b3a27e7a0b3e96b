package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.LeasedCounter;
import sh.kaiten.domain.metering.Tally;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * How an unsharded SUM or COUNT counter item keeps its leases: {@code held}, the usage plus the
 * units of every stored lease, beside {@code total} and {@code reports}, and {@code leases}, a map
 * of lease id to {@code {units, granted, expires_at (epoch ms), instance}}. Every write that can
 * pass the ceiling is conditioned on {@code held}, so a plain report and a grant are held to one
 * number. An expired lease keeps its units in {@code held} until a write prunes it (REMOVE the
 * entry, ADD its units back), which the next grant, settlement or release does in the same write,
 * and a plain report refused only because of expired leases does before it tries again.
 */
final class LeaseItems {
  static final String HELD = "held";
  static final String LEASES = "leases";
  static final String UNITS = "units";
  static final String GRANTED = "granted";
  static final String EXPIRES = "expires_at";
  static final String INSTANCE = "instance";

  private LeaseItems() {}

  /**
   * Whether a counter keeps {@code held}: an unsharded SUM or COUNT counter, the kind that holds a
   * ceiling by accumulating.
   */
  static boolean keepsHeld(Metering metering) {
    return metering.shards() == 1 && keepsHeld(metering.aggregation());
  }

  static boolean keepsHeld(Aggregation aggregation) {
    return aggregation == Aggregation.SUM || aggregation == Aggregation.COUNT;
  }

  /** What a report adds to {@code held}: its value under SUM, one per report under COUNT. */
  static BigDecimal step(Aggregation aggregation, Tally reports) {
    return aggregation == Aggregation.COUNT ? BigDecimal.valueOf(reports.count()) : reports.sum();
  }

  static LeasedCounter counter(Aggregation aggregation, Map<String, AttributeValue> item) {
    Tally tally = CounterItems.tally(aggregation, item);
    boolean stored = item != null && item.containsKey(HELD);
    BigDecimal held = stored ? new BigDecimal(item.get(HELD).n()) : tally.value(aggregation);
    return new LeasedCounter(tally, held, stored, leases(item));
  }

  static Map<String, Lease> leases(Map<String, AttributeValue> item) {
    Map<String, Lease> leases = new HashMap<>();
    if (item == null || !item.containsKey(LEASES)) {
      return leases;
    }
    item.get(LEASES)
        .m()
        .forEach(
            (id, entry) -> {
              Map<String, AttributeValue> fields = entry.m();
              leases.put(
                  id,
                  new Lease(
                      id,
                      fields.get(INSTANCE).s(),
                      new BigDecimal(fields.get(UNITS).n()),
                      new BigDecimal(fields.get(GRANTED).n()),
                      Instant.ofEpochMilli(Long.parseLong(fields.get(EXPIRES).n()))));
            });
    return leases;
  }

  static AttributeValue entry(Lease lease) {
    return AttributeValue.fromM(
        Map.of(
            UNITS,
            n(lease.units()),
            GRANTED,
            n(lease.granted()),
            EXPIRES,
            n(lease.expiresAt().toEpochMilli()),
            INSTANCE,
            s(lease.instanceId())));
  }

  /**
   * The parts of one update expression and its condition, built up by the writes of this package.
   */
  static final class Expression {
    final Map<String, String> names = new HashMap<>();
    final Map<String, AttributeValue> values = new HashMap<>();
    final List<String> adds = new ArrayList<>();
    final List<String> sets = new ArrayList<>();
    final List<String> removes = new ArrayList<>();
    final List<String> conditions = new ArrayList<>();
    private int leaseNames;

    /** A name for a lease id (ids are not valid expression names). */
    String lease(String id) {
      String name = "#lease" + leaseNames++;
      names.put(name, id);
      return name;
    }

    /**
     * Removes the leases {@code seen} as expired at {@code now} and returns how many units they
     * held, each under the condition that it is still there (expired leases change no more, so it
     * is as seen).
     */
    BigDecimal prune(LeasedCounter seen, Instant now) {
      BigDecimal units = BigDecimal.ZERO;
      for (Lease lease : seen.expired(now)) {
        names.put("#leases", LEASES);
        String name = lease(lease.id());
        removes.add("#leases." + name);
        conditions.add("attribute_exists(#leases." + name + ")");
        units = units.add(lease.units());
      }
      return units;
    }

    /**
     * Moves {@code held} by {@code delta} and, given a ceiling, holds it to it: on a counter that
     * keeps it, {@code held <= ceiling - delta}; on one that does not yet, as {@code seen} (the
     * usage alone), it is set, under the condition that the usage is still as seen.
     */
    void held(LeasedCounter seen, Aggregation aggregation, BigDecimal delta, BigDecimal ceiling) {
      names.put("#held", HELD);
      if (seen.heldStored()) {
        values.put(":heldDelta", n(delta));
        adds.add("#held :heldDelta");
        if (ceiling != null) {
          values.put(":heldRoom", n(ceiling.subtract(delta)));
          conditions.add("#held <= :heldRoom");
        } else {
          conditions.add("attribute_exists(#held)");
        }
        return;
      }
      values.put(":heldNew", n(seen.held().add(delta)));
      sets.add("#held = :heldNew");
      names.put("#reports", CounterItems.REPORTS);
      if (seen.tally().count() == 0) {
        conditions.add("attribute_not_exists(#held) AND attribute_not_exists(#reports)");
      } else {
        names.put("#total", CounterItems.TOTAL);
        values.put(":seenReports", n(seen.tally().count()));
        values.put(":seenTotal", n(seen.tally().sum()));
        conditions.add(
            "attribute_not_exists(#held) AND #reports = :seenReports AND #total = :seenTotal");
      }
    }

    String update() {
      return (clause("ADD", adds) + clause("SET", sets) + clause("REMOVE", removes)).strip();
    }

    Map<String, AttributeValue> valuesOrNull() {
      return values.isEmpty() ? null : values;
    }

    String condition() {
      return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    private static String clause(String action, List<String> parts) {
      return parts.isEmpty() ? "" : " " + action + " " + String.join(", ", parts);
    }
  }

  /**
   * Makes a counter that a plain report found refused able to take it, if it can be: a counter
   * written before leases existed gets {@code held} (its usage), and expired leases are pruned.
   * Each is one conditional write that does nothing if another write got there first.
   *
   * @param item the counter as the refused write found it
   * @return whether anything was changed, so the report is worth trying again
   */
  static boolean repair(
      DynamoDbClient dynamo,
      String table,
      CounterKey key,
      Aggregation aggregation,
      Map<String, AttributeValue> item,
      Instant now) {
    if (item == null || item.isEmpty()) {
      return false;
    }
    LeasedCounter seen = counter(aggregation, item);
    boolean legacy = !seen.heldStored() && seen.tally().count() > 0;
    if (!legacy && seen.expired(now).isEmpty()) {
      return false;
    }
    Expression change = new Expression();
    BigDecimal freed = legacy ? BigDecimal.ZERO : change.prune(seen, now);
    change.held(seen, aggregation, freed.negate(), null);
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(CounterItems.key(key, 0))
                  .updateExpression(change.update())
                  .conditionExpression(change.condition())
                  .expressionAttributeNames(change.names)
                  .expressionAttributeValues(change.valuesOrNull()));
    } catch (ConditionalCheckFailedException moved) {
      // Another write repaired it or moved it first: the report is tried again on what it finds.
    }
    return true;
  }
}
