package sh.kaiten.domain.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: atomic usage counters. A counter keeps what its aggregation needs of its period's reports,
 * on one item or spread over {@link Metering#shards()} items; it is read back as a {@link Tally}
 * whose value under that aggregation is the usage.
 */
public interface UsageCounters {

  /**
   * The most idempotency keys one group write remembers: their markers and the counter change are
   * one atomic write, and DynamoDB's transactions take 100 items.
   */
  int MAX_KEYS_PER_GROUP = 99;

  /**
   * The most items one atomic write holds: DynamoDB's transactions take 100 (markers, the counter,
   * records).
   */
  int MAX_ITEMS_PER_WRITE = 100;

  /**
   * Counts one report as usage-api does: the counter change, the key's marker (with a key) and the
   * report's audit records in one atomic write, all of them or none. Its answer, and so its
   * records, are computed from {@code step}, whose {@code before} is the counter as read just
   * before; the store writes {@code step.reports()} and, when its write returns nothing, answers
   * {@code step} itself ({@link CounterUpdate.Counted#estimated}): the new total is computed once,
   * in the step. A report refused by its ceiling, or whose key was used already, writes nothing
   * ({@link CounterUpdate.Refused}, {@link CounterUpdate.Duplicate}); a gauge report that does not
   * move its gauge ({@link CounterStep#moves}) writes its marker and records alone.
   *
   * @param step one report's step
   * @param remember what the report's key remembers; null for a report without a key
   * @param records the report's audit records (no events)
   */
  CounterUpdate count(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      IdempotentReport remember,
      ChangeRecords records);

  /**
   * Counts a group of reports of one additive counter (SUM, COUNT or AVERAGE) as {@link #count}
   * counts one: the counter change for their tally ({@code step.reports()}), every key's marker and
   * the group's audit records, in one atomic write of at most {@link #MAX_ITEMS_PER_WRITE} items,
   * all of them or none. If any key was used already (and has not expired at {@code now}), nothing
   * is written and the answer is {@link CounterUpdate.Duplicate} with what the first such key
   * remembers.
   *
   * @param remember 0 to 99 keys, each once
   */
  CounterUpdate countAll(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      CounterStep step,
      BigDecimal ceiling,
      List<IdempotentReport> remember,
      ChangeRecords records,
      Instant now);

  /**
   * Folds one report into the counter in one atomic write. With a {@code ceiling} (SUM and COUNT
   * only), the report is counted only if the usage stays at or below it, decided by the store
   * itself so that concurrent reports can never pass it together.
   *
   * <p>A counter spread over shards takes the report on one shard; its usage before and after is
   * then as this function instance sees the whole counter, kept at most a second behind.
   *
   * @param close what the counter notes for its period's close, in the same write
   * @param ceiling the highest usage allowed after the report, or null for none
   */
  CounterUpdate add(
      CounterKey key,
      Metering metering,
      PeriodClose close,
      BigDecimal value,
      Instant at,
      BigDecimal ceiling);

  /**
   * Folds many reports of one additive counter (SUM, COUNT or AVERAGE), given as their tally, in
   * one atomic write: all of them or none. With a {@code ceiling} they are counted only if the
   * usage after all of them stays at or below it; else nothing is written and the answer is {@link
   * CounterUpdate.Refused} with the counter as it stands.
   */
  CounterUpdate addAll(
      CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling);

  /** What an idempotency key of the instance remembers, if it was used and has not expired. */
  Optional<IdempotentReport> remembered(
      String tenantId, String instanceId, String idempotencyKey, Instant now);

  /**
   * What each of many idempotency keys of the instance remembers, read together: only keys used and
   * not expired.
   */
  Map<String, IdempotentReport> remembered(
      String tenantId, String instanceId, Collection<String> idempotencyKeys, Instant now);

  /** The counter, {@link Tally#EMPTY} when nothing was counted yet. */
  Tally tally(CounterKey key, Metering metering);

  /** Many counters, read together ({@link Tally#EMPTY} for those not counted yet). */
  Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> counters);
}
