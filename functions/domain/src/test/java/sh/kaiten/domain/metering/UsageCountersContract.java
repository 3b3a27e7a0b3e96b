package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What every {@link UsageCounters} does with a group of reports, run against the in-memory port and
 * the DynamoDB adapter alike: a group is folded in whole or not at all, held to its ceiling as one,
 * and with keys remembers every key or none.
 */
public abstract class UsageCountersContract {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Period NOVEMBER =
      new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
  private static final PeriodClose CLOSE =
      PeriodClose.of(NOVEMBER, Duration.ofHours(24), new BigDecimal("1000"));

  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract UsageCounters counters();

  /**
   * The ids of the audit records the store holds for a tenant, stored with the reports they record.
   */
  protected abstract List<String> recorded(String tenantId);

  /** Audit records of reports, made as usage-api makes them, not yet stored. */
  private ChangeRecords records(int count) {
    List<AuditEntry> entries =
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    new AuditEntry(
                        "usage.reported",
                        instanceId,
                        List.of("sum"),
                        "{\"report\":" + i + "}",
                        "{\"status\":\"ACCEPTED\"}"))
            .toList();
    return new ChangeRecords(
        List.of(),
        new Auditing(null, java.time.Clock.systemUTC(), Duration.ofDays(400))
            .prepare(tenantId, "tok_contract", "req-1", entries));
  }

  private static List<String> ids(ChangeRecords records) {
    return records.audit().stream().map(AuditRecord::id).toList();
  }

  private final String tenantId = "tnt_contract_" + System.nanoTime();
  private final String instanceId = "acme-prod";

  private CounterKey counter(String entitlement) {
    return new CounterKey(
        tenantId, entitlement, CounterKey.instanceHolder(instanceId), NOVEMBER.key());
  }

  private static Tally reports(String... values) {
    Tally tally = Tally.EMPTY;
    for (String value : values) {
      tally = tally.plus(new BigDecimal(value), NOW);
    }
    return tally;
  }

  private IdempotentReport key(String key, String usage) {
    return new IdempotentReport(
        tenantId,
        instanceId,
        key,
        "sum|" + key,
        new ReportResult(
            UsageState.of(
                "sum",
                Metering.of(Aggregation.SUM),
                new BigDecimal("1000"),
                new BigDecimal(usage),
                NOVEMBER,
                true),
            null),
        NOW.plus(Duration.ofDays(35)));
  }

  private static BigDecimal usage(Tally tally, Aggregation aggregation) {
    return tally.value(aggregation);
  }

  @Test
  void aGroupAddsItsSumAndCountInOneWrite() {
    Metering sum = Metering.of(Aggregation.SUM);
    CounterUpdate first =
        counters().addAll(counter("sum"), sum, CLOSE, reports("1", "2.5", "4"), null);
    CounterUpdate second = counters().addAll(counter("sum"), sum, CLOSE, reports("0", "10"), null);

    assertThat(first)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            counted -> {
              assertThat(usage(counted.before(), Aggregation.SUM)).isEqualByComparingTo("0");
              assertThat(usage(counted.after(), Aggregation.SUM)).isEqualByComparingTo("7.5");
            });
    assertThat(second)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            counted -> {
              assertThat(usage(counted.before(), Aggregation.SUM)).isEqualByComparingTo("7.5");
              assertThat(usage(counted.after(), Aggregation.SUM)).isEqualByComparingTo("17.5");
            });
    Tally stored = counters().tally(counter("sum"), sum);
    assertThat(stored.sum()).isEqualByComparingTo("17.5");
    assertThat(stored.count()).isEqualTo(5);
  }

  @Test
  void anAverageGroupKeepsSumAndCount() {
    Metering average = Metering.of(Aggregation.AVERAGE);
    counters().addAll(counter("average"), average, CLOSE, reports("1", "2"), null);
    counters().addAll(counter("average"), average, CLOSE, reports("6"), null);

    assertThat(usage(counters().tally(counter("average"), average), Aggregation.AVERAGE))
        .isEqualByComparingTo("3");
  }

  @Test
  void aGroupThatWouldPassItsCeilingIsRefusedWhole() {
    Metering sum =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null);
    counters().addAll(counter("sum"), sum, CLOSE, reports("7.5"), BigDecimal.TEN);

    CounterUpdate refused =
        counters().addAll(counter("sum"), sum, CLOSE, reports("2", "1"), BigDecimal.TEN);
    CounterUpdate fits =
        counters().addAll(counter("sum"), sum, CLOSE, reports("2", "0.5"), BigDecimal.TEN);

    assertThat(refused)
        .isInstanceOfSatisfying(
            CounterUpdate.Refused.class,
            r -> assertThat(usage(r.now(), Aggregation.SUM)).isEqualByComparingTo("7.5"));
    assertThat(fits)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            c -> assertThat(usage(c.after(), Aggregation.SUM)).isEqualByComparingTo("10"));
    assertThat(counters().tally(counter("sum"), sum).count()).isEqualTo(3);
  }

  @Test
  void aFirstGroupPastItsCeilingIsRefusedOnACounterNotWrittenYet() {
    Metering sum =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null);
    Metering count =
        new Metering(Aggregation.COUNT, null, null, null, Enforcement.HARD, null, null, null);

    assertThat(counters().addAll(counter("sum"), sum, CLOSE, reports("6", "6"), BigDecimal.TEN))
        .isInstanceOfSatisfying(
            CounterUpdate.Refused.class, r -> assertThat(r.now()).isEqualTo(Tally.EMPTY));
    assertThat(
            counters()
                .addAll(
                    counter("count"), count, CLOSE, reports("1", "1", "1"), BigDecimal.valueOf(2)))
        .isInstanceOfSatisfying(
            CounterUpdate.Refused.class, r -> assertThat(r.now()).isEqualTo(Tally.EMPTY));
    assertThat(counters().tally(counter("sum"), sum)).isEqualTo(Tally.EMPTY);
    assertThat(counters().tally(counter("count"), count)).isEqualTo(Tally.EMPTY);
  }

  @Test
  void aCountGroupIsHeldToItsCeilingByItsNumberOfReports() {
    Metering count =
        new Metering(Aggregation.COUNT, null, null, null, Enforcement.HARD, null, null, null);
    BigDecimal three = BigDecimal.valueOf(3);

    assertThat(counters().addAll(counter("count"), count, CLOSE, reports("50", "50"), three))
        .isInstanceOf(CounterUpdate.Counted.class);
    assertThat(counters().addAll(counter("count"), count, CLOSE, reports("1", "1"), three))
        .isInstanceOfSatisfying(
            CounterUpdate.Refused.class, r -> assertThat(r.now().count()).isEqualTo(2));
    assertThat(counters().addAll(counter("count"), count, CLOSE, reports("1"), three))
        .isInstanceOf(CounterUpdate.Counted.class);
    assertThat(usage(counters().tally(counter("count"), count), Aggregation.COUNT))
        .isEqualByComparingTo("3");
  }

  @Test
  void aKeyedGroupRemembersEveryKeyWithItsOwnAnswer() {
    Metering sum = Metering.of(Aggregation.SUM);
    List<IdempotentReport> keys = List.of(key("k-1", "1"), key("k-2", "3.5"), key("k-3", "7.5"));

    CounterUpdate update =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(Tally.EMPTY, reports("1", "2.5", "4")),
                null,
                keys,
                ChangeRecords.NONE,
                NOW);

    assertThat(update)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            c -> assertThat(usage(c.after(), Aggregation.SUM)).isEqualByComparingTo("7.5"));
    for (IdempotentReport key : keys) {
      IdempotentReport remembered =
          counters().remembered(tenantId, instanceId, key.key(), NOW).orElseThrow();
      assertThat(remembered.fingerprint()).isEqualTo(key.fingerprint());
      assertThat(remembered.result().state().currentUsage())
          .isEqualByComparingTo(key.result().state().currentUsage());
      assertThat(remembered.expiresAt()).isEqualTo(key.expiresAt());
    }
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("7.5");
  }

  @Test
  void aKeyedGroupHoldingAKeyUsedBeforeWritesNothing() {
    Metering sum = Metering.of(Aggregation.SUM);
    counters()
        .countAll(
            counter("sum"),
            sum,
            CLOSE,
            CounterStep.of(Tally.EMPTY, reports("1")),
            null,
            List.of(key("k-1", "1")),
            ChangeRecords.NONE,
            NOW);

    CounterUpdate update =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(reports("1"), reports("2", "1", "3")),
                null,
                List.of(key("k-2", "3"), key("k-1", "4"), key("k-3", "7")),
                ChangeRecords.NONE,
                NOW);

    assertThat(update)
        .isInstanceOfSatisfying(
            CounterUpdate.Duplicate.class,
            duplicate -> {
              assertThat(duplicate.first().key()).isEqualTo("k-1");
              assertThat(duplicate.first().result().state().currentUsage())
                  .isEqualByComparingTo("1");
            });
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("1");
    assertThat(counters().remembered(tenantId, instanceId, "k-2", NOW)).isEmpty();
    assertThat(counters().remembered(tenantId, instanceId, "k-3", NOW)).isEmpty();
  }

  @Test
  void manyKeysAreReadTogetherAndOnlyThoseUsedAndNotExpiredAreFound() {
    Metering sum = Metering.of(Aggregation.SUM);
    IdempotentReport expiring =
        new IdempotentReport(
            tenantId,
            instanceId,
            "k-old",
            "sum|k-old",
            key("k-old", "1").result(),
            NOW.plusSeconds(60));
    counters()
        .countAll(
            counter("sum"),
            sum,
            CLOSE,
            CounterStep.of(Tally.EMPTY, reports("1", "1")),
            null,
            List.of(key("k-1", "1"), expiring),
            ChangeRecords.NONE,
            NOW);
    List<String> asked = new ArrayList<>(List.of("k-1", "k-old", "never"));
    IntStream.range(0, 150)
        .forEach(i -> asked.add("unused-" + i)); // more than one read request takes

    var now = counters().remembered(tenantId, instanceId, asked, NOW);
    var later = counters().remembered(tenantId, instanceId, asked, NOW.plusSeconds(61));

    assertThat(now).containsOnlyKeys("k-1", "k-old");
    assertThat(now.get("k-1").fingerprint()).isEqualTo("sum|k-1");
    assertThat(now.get("k-1").result().state().currentUsage()).isEqualByComparingTo("1");
    assertThat(later).containsOnlyKeys("k-1");
  }

  @Test
  void aKeyedGroupPastItsCeilingRemembersNoKey() {
    Metering sum =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null);

    CounterUpdate update =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(Tally.EMPTY, reports("6", "6")),
                BigDecimal.TEN,
                List.of(key("k-1", "6"), key("k-2", "12")),
                ChangeRecords.NONE,
                NOW);

    assertThat(update).isInstanceOf(CounterUpdate.Refused.class);
    assertThat(counters().remembered(tenantId, instanceId, "k-1", NOW)).isEmpty();
    assertThat(counters().tally(counter("sum"), sum)).isEqualTo(Tally.EMPTY);
  }

  @Test
  void aGroupRemembersUpToNinetyNineKeysInOneWrite() {
    Metering sum = Metering.of(Aggregation.SUM);
    List<IdempotentReport> keys = new ArrayList<>();
    String[] ones = new String[UsageCounters.MAX_KEYS_PER_GROUP];
    IntStream.range(0, ones.length)
        .forEach(
            i -> {
              ones[i] = "1";
              keys.add(key("k-" + i, String.valueOf(i + 1)));
            });

    assertThat(
            counters()
                .countAll(
                    counter("sum"),
                    sum,
                    CLOSE,
                    CounterStep.of(Tally.EMPTY, reports(ones)),
                    null,
                    keys,
                    ChangeRecords.NONE,
                    NOW))
        .isInstanceOf(CounterUpdate.Counted.class);
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("99");
    assertThat(counters().remembered(tenantId, instanceId, "k-98", NOW)).isPresent();

    List<IdempotentReport> tooMany = new ArrayList<>(keys);
    tooMany.add(key("k-99", "100"));
    assertThatThrownBy(
            () ->
                counters()
                    .countAll(
                        counter("other"),
                        sum,
                        CLOSE,
                        CounterStep.of(Tally.EMPTY, reports("1")),
                        null,
                        tooMany,
                        ChangeRecords.NONE,
                        NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aGroupSpreadOverShardsCountsOnTheWholeCounter() {
    Metering sharded =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.SOFT, null, null, null, 4);
    for (int i = 0; i < 10; i++) {
      counters().addAll(counter("hot"), sharded, CLOSE, reports("1", "2"), null);
    }
    counters()
        .countAll(
            counter("hot"),
            sharded,
            CLOSE,
            CounterStep.of(reports("30"), reports("5")),
            null,
            List.of(key("h-1", "35")),
            ChangeRecords.NONE,
            NOW);

    assertThat(counters().tally(counter("hot"), sharded).sum()).isEqualByComparingTo("35");
    assertThat(counters().tally(counter("hot"), sharded).count()).isEqualTo(21);
  }

  @Test
  void onlySumCountAndAverageCountersTakeAGroup() {
    for (Aggregation gauge : List.of(Aggregation.MAX, Aggregation.MIN, Aggregation.LATEST)) {
      assertThatThrownBy(
              () ->
                  counters()
                      .addAll(counter("gauge"), Metering.of(gauge), CLOSE, reports("1", "2"), null))
          .as(gauge.name())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aCountedGroupStoresItsMarkersAndItsRecordsWithItsCounterChange() {
    Metering sum = Metering.of(Aggregation.SUM);
    ChangeRecords records = records(2);
    CounterUpdate update =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(Tally.EMPTY, reports("1", "2", "4")),
                null,
                List.of(key("r-1", "1"), key("r-2", "3")),
                records,
                NOW);

    assertThat(update).isInstanceOf(CounterUpdate.Counted.class);
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("7");
    assertThat(counters().remembered(tenantId, instanceId, List.of("r-1", "r-2"), NOW))
        .containsOnlyKeys("r-1", "r-2");
    assertThat(recorded(tenantId)).containsExactlyInAnyOrderElementsOf(ids(records));
  }

  @Test
  void aGroupRefusedByItsCeilingOrMeetingAUsedKeyStoresNoRecord() {
    Metering sum = Metering.of(Aggregation.SUM);
    ChangeRecords first = records(1);
    counters()
        .countAll(
            counter("sum"),
            sum,
            CLOSE,
            CounterStep.of(Tally.EMPTY, reports("5", "5")),
            BigDecimal.TEN,
            List.of(key("u-1", "5")),
            first,
            NOW);

    CounterUpdate refused =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(reports("5", "5"), reports("1", "1")),
                BigDecimal.TEN,
                List.of(key("u-2", "11")),
                records(1),
                NOW);
    CounterUpdate duplicate =
        counters()
            .countAll(
                counter("sum"),
                sum,
                CLOSE,
                CounterStep.of(reports("5", "5"), reports("5", "1")),
                null,
                List.of(key("u-3", "15"), key("u-1", "16")),
                records(1),
                NOW);

    assertThat(refused).isInstanceOf(CounterUpdate.Refused.class);
    assertThat(duplicate).isInstanceOf(CounterUpdate.Duplicate.class);
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("10");
    assertThat(counters().remembered(tenantId, instanceId, List.of("u-1", "u-2", "u-3"), NOW))
        .containsOnlyKeys("u-1");
    assertThat(recorded(tenantId)).containsExactlyElementsOf(ids(first));
  }

  @Test
  void aReportWithoutKeyIsCountedWithItsRecordAndAGaugeItDoesNotMoveKeepsItsRecordToo() {
    Metering sum = Metering.of(Aggregation.SUM);
    Metering max = Metering.of(Aggregation.MAX);
    ChangeRecords counted = records(1);
    ChangeRecords below = records(1);
    counters()
        .count(
            counter("sum"),
            sum,
            CLOSE,
            CounterStep.of(Tally.EMPTY, Tally.EMPTY.plus(new BigDecimal("3"), NOW)),
            null,
            null,
            counted);
    counters()
        .count(
            counter("max"),
            max,
            CLOSE,
            CounterStep.of(Tally.EMPTY, Tally.EMPTY.plus(new BigDecimal("9"), NOW)),
            null,
            null,
            ChangeRecords.NONE);

    CounterUpdate unmoved =
        counters()
            .count(
                counter("max"),
                max,
                CLOSE,
                CounterStep.of(reports("9"), Tally.EMPTY.plus(new BigDecimal("4"), NOW)),
                null,
                null,
                below);

    assertThat(unmoved)
        .isInstanceOfSatisfying(
            CounterUpdate.Counted.class,
            same -> assertThat(usage(same.after(), Aggregation.MAX)).isEqualByComparingTo("9"));
    assertThat(counters().tally(counter("sum"), sum).sum()).isEqualByComparingTo("3");
    assertThat(counters().tally(counter("max"), max).max()).isEqualByComparingTo("9");
    assertThat(recorded(tenantId))
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(ids(counted).stream(), ids(below).stream()).toList());
  }
}
