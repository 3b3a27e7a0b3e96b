package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

/**
 * A batch writes the reports of one additive counter together, and answers each what it would have
 * answered alone: every case here runs the same reports through a batch and one by one, on two
 * stores set up alike, and compares answers, signals and counters.
 */
class BatchGroupsTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  /** A day earlier but within the late window: the previous period of a daily counter. */
  private static final Instant YESTERDAY = Instant.parse("2026-11-24T13:00:00Z");

  private final World batched = new World();
  private final World alone = new World();

  /** One tenant, one instance, one entitlement per case, on its own in-memory store. */
  private static final class World {
    final InMemoryCatalog catalog = new InMemoryCatalog();
    final InMemoryCounters counters = new InMemoryCounters();
    private final List<ThresholdSignal> signals = new ArrayList<>();
    final UsageReporting reporting;
    final ApiToken instance;
    final String tenantId;

    World() {
      Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
      reporting =
          new UsageReporting(
              catalog,
              catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
              counters,
              signals::add,
              clock,
              Duration.ofHours(24));
      Administration admin =
          new Administration(
              catalog.adminStores(new InMemoryTokens()),
              new InMemoryJournal(),
              clock,
              Optional.of("bootstrap"),
              Duration.ofDays(3));
      ApiToken token = admin.tenants().bootstrapTenant("bootstrap", "Vendor").adminToken();
      tenantId = token.tenantId();
      Map<String, JsonNode> limits = new java.util.HashMap<>();
      entitlement(admin, token, limits, "sum-soft", Aggregation.SUM, Enforcement.SOFT, null, 100);
      entitlement(
          admin, token, limits, "count-soft", Aggregation.COUNT, Enforcement.SOFT, null, 40);
      entitlement(
          admin, token, limits, "average-soft", Aggregation.AVERAGE, Enforcement.SOFT, null, 3);
      entitlement(admin, token, limits, "sum-hard", Aggregation.SUM, Enforcement.HARD, null, 100);
      entitlement(admin, token, limits, "count-hard", Aggregation.COUNT, Enforcement.HARD, null, 3);
      entitlement(
          admin, token, limits, "daily", Aggregation.SUM, Enforcement.HARD, Reset.DAY, 1000);
      entitlement(admin, token, limits, "max-hard", Aggregation.MAX, Enforcement.HARD, null, 100);
      admin.catalog().createTier(token, new TierDraft("pro", "Pro", 1, limits));
      String customer = admin.customers().createCustomer(token, "Acme", null).id();
      String license =
          admin
              .licenses()
              .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
              .id();
      instance = admin.instances().createInstance(token, "acme-prod", license, null, null).token();
    }

    private static void entitlement(
        Administration admin,
        ApiToken token,
        Map<String, JsonNode> limits,
        String slug,
        Aggregation aggregation,
        Enforcement enforcement,
        Reset reset,
        int limit) {
      admin
          .catalog()
          .createEntitlement(
              token,
              new Entitlement(
                  slug,
                  slug,
                  EntitlementType.NUMERIC,
                  new Metering(aggregation, reset, null, null, enforcement, null, null, null),
                  null,
                  null));
      limits.put(slug, JsonNodeFactory.instance.numberNode(limit));
    }

    List<BatchResult> batch(List<UsageReport> reports) {
      return reporting.reportAll(instance, "acme-prod", reports, null);
    }

    /** The same reports sent one at a time, each answered or refused as a batch would say. */
    List<BatchResult> oneByOne(List<UsageReport> reports) {
      List<BatchResult> results = new ArrayList<>();
      for (UsageReport report : reports) {
        try {
          results.add(BatchResult.of(reporting.report(instance, "acme-prod", report)));
        } catch (KaitenException refused) {
          results.add(BatchResult.failed(refused));
        }
      }
      return results;
    }

    /** The signals sent, each counter named without its tenant (each world has its own). */
    List<ThresholdSignal> signals() {
      return signals.stream()
          .map(
              signal ->
                  new ThresholdSignal(
                      untenanted(signal.counter()),
                      signal.limit(),
                      signal.previous(),
                      signal.updated(),
                      signal.thresholds(),
                      signal.kind(),
                      signal.reason()))
          .toList();
    }

    Map<CounterKey, Tally> counters() {
      Map<CounterKey, Tally> untenanted = new java.util.HashMap<>();
      counters.tallies.forEach((key, tally) -> untenanted.put(untenanted(key), tally));
      return untenanted;
    }

    private static CounterKey untenanted(CounterKey key) {
      return new CounterKey("-", key.entitlement(), key.holder(), key.period());
    }

    /**
     * @param period the period's first day
     */
    Tally counter(String slug, String period) {
      period = period.length() == 7 ? period + "-01" : period;
      period = period + "T00:00:00Z";
      return counters.tallies.getOrDefault(
          new CounterKey(tenantId, slug, CounterKey.instanceHolder("acme-prod"), period),
          Tally.EMPTY);
    }
  }

  private static UsageReport report(String slug, String value, String key) {
    return new UsageReport(slug, new BigDecimal(value), null, key);
  }

  /**
   * Both worlds take the same reports, one as a batch, one report at a time; their answers must be
   * the same.
   */
  private List<BatchResult> sameAsOneByOne(List<UsageReport> reports) {
    List<BatchResult> inBatch = batched.batch(reports);
    List<BatchResult> inTurn = alone.oneByOne(reports);
    assertThat(inBatch).hasSameSizeAs(inTurn);
    for (int i = 0; i < inTurn.size(); i++) {
      BatchResult expected = inTurn.get(i);
      if (expected.error() != null) {
        assertThat(inBatch.get(i).error())
            .as("report %d", i)
            .isNotNull()
            .hasSameClassAs(expected.error())
            .hasMessage(expected.error().getMessage());
      } else {
        assertThat(inBatch.get(i).result()).as("report %d", i).isEqualTo(expected.result());
      }
    }
    assertThat(batched.signals()).isEqualTo(alone.signals());
    assertThat(batched.counters()).isEqualTo(alone.counters());
    return inBatch;
  }

  private static String usage(BatchResult result) {
    return result.result().state().currentUsage().toPlainString();
  }

  private static List<UsageStatus> statuses(List<BatchResult> results) {
    return results.stream().map(result -> result.result().state().status()).toList();
  }

  @ParameterizedTest(name = "{0}, keyed {1}")
  @CsvSource({
    "sum-soft, false",
    "sum-soft, true",
    "count-soft, false",
    "count-soft, true",
    "average-soft, false",
    "average-soft, true"
  })
  void aBatchOfOneCounterAnswersWhatEachReportWouldHaveAnsweredAlone(String slug, boolean keyed) {
    // 50 reports: the sum passes its SOFT limit of 100, the count its 40, the average rises past 80
    // %
    // of 3, falls back under it and rises past it again.
    String[] values = {"1", "2.5", "4", "0", "7"};
    List<UsageReport> reports =
        IntStream.range(0, 50)
            .mapToObj(i -> report(slug, values[i % values.length], keyed ? "k-" + i : null))
            .toList();

    List<BatchResult> results = sameAsOneByOne(reports);

    assertThat(batched.counters.groupWrites).isEqualTo(1);
    assertThat(batched.counters.singleWrites).isZero();
    assertThat(batched.counters.remembered).hasSize(keyed ? 50 : 0);
    switch (slug) {
      case "sum-soft" -> {
        assertThat(usage(results.get(0))).isEqualTo("1");
        assertThat(usage(results.get(49))).isEqualTo("145.0");
        assertThat(results.get(49).result().state().status()).isEqualTo(UsageStatus.EXCEEDED);
      }
      case "count-soft" -> {
        assertThat(usage(results.get(39))).isEqualTo("40");
        assertThat(statuses(results).subList(38, 41))
            .containsExactly(UsageStatus.ACCEPTED, UsageStatus.EXCEEDED, UsageStatus.EXCEEDED);
      }
      default -> {
        assertThat(results.subList(0, 5).stream().map(BatchGroupsTest::usage))
            .containsExactly("1", "1.75", "2.5", "1.875", "2.9");
        // 2.4 (80 % of 3) crossed at the 3rd report and again at the 5th, as one by one.
        assertThat(batched.signals())
            .extracting(ThresholdSignal::thresholds)
            .startsWith(List.of(80), List.of(80));
      }
    }
  }

  @Test
  void aHardLimitInsideAGroupCountsTheReportsUpToItAndRefusesTheRest() {
    List<UsageReport> reports = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      reports.add(report("sum-hard", "10", i % 2 == 0 ? null : "h-" + i));
    }
    List<BatchResult> results = sameAsOneByOne(reports);

    assertThat(statuses(results))
        .containsExactlyElementsOf(
            IntStream.range(0, 15)
                .mapToObj(i -> i < 10 ? UsageStatus.ACCEPTED : UsageStatus.REJECTED)
                .toList());
    assertThat(results.stream().map(BatchGroupsTest::usage))
        .containsExactly(
            "10", "20", "30", "40", "50", "60", "70", "80", "90", "100", "100", "100", "100", "100",
            "100");
    assertThat(results.subList(10, 15))
        .allSatisfy(r -> assertThat(r.result().reason()).isEqualTo(Reason.LIMIT_REACHED));
    assertThat(batched.counter("sum-hard", "2026-11").sum()).isEqualByComparingTo("100");
    // The group was refused whole, then each report was written alone; the refused ones keep their
    // keys free.
    assertThat(batched.counters.groupWrites).isEqualTo(1);
    assertThat(batched.counters.singleWrites).isEqualTo(15);
    assertThat(batched.counters.remembered).hasSize(5);
  }

  @Test
  void aHardLimitAlsoTakesALaterSmallerReportThatStillFits() {
    List<BatchResult> results =
        sameAsOneByOne(
            List.of(
                report("sum-hard", "60", "a"),
                report("sum-hard", "30", "b"),
                report("sum-hard", "20", "c"),
                report("sum-hard", "10", "d"),
                report("sum-hard", "5", "e")));

    assertThat(statuses(results))
        .containsExactly(
            UsageStatus.ACCEPTED,
            UsageStatus.ACCEPTED,
            UsageStatus.REJECTED,
            UsageStatus.ACCEPTED,
            UsageStatus.REJECTED);
    assertThat(results.stream().map(BatchGroupsTest::usage))
        .containsExactly("60", "90", "90", "100", "100");

    List<BatchResult> count =
        sameAsOneByOne(
            IntStream.range(0, 5).mapToObj(i -> report("count-hard", "1", null)).toList());
    assertThat(statuses(count))
        .containsExactly(
            UsageStatus.ACCEPTED,
            UsageStatus.ACCEPTED,
            UsageStatus.ACCEPTED,
            UsageStatus.REJECTED,
            UsageStatus.REJECTED);
    assertThat(batched.counter("count-hard", "2026-11").count()).isEqualTo(3);
  }

  @Test
  void aKeyUsedBeforeTheBatchIsReplayedAndTheOthersAreCounted() {
    for (World world : List.of(batched, alone)) {
      world.reporting.report(world.instance, "acme-prod", report("sum-soft", "5", "k-2"));
      world.reporting.report(world.instance, "acme-prod", report("sum-soft", "1", "k-9"));
    }
    batched.counters.singleWrites = 0;

    List<BatchResult> results =
        sameAsOneByOne(
            List.of(
                report("sum-soft", "1", "k-1"),
                report("sum-soft", "5", "k-2"),
                report("sum-soft", "2", "k-3"),
                report("sum-soft", "2", "k-9")));

    assertThat(results.get(0).result().replayed()).isFalse();
    assertThat(usage(results.get(0))).isEqualTo("7");
    assertThat(results.get(1).result().replayed()).isTrue();
    assertThat(usage(results.get(1))).isEqualTo("5");
    assertThat(usage(results.get(2))).isEqualTo("9");
    assertThat(results.get(3).error()).isInstanceOf(ConflictException.class);
    assertThat(results.get(3).error().field()).isEqualTo("idempotency_key");
    assertThat(batched.counter("sum-soft", "2026-11").sum()).isEqualByComparingTo("9");
    // The group met a used key: its keys were read at once, and the two reports left written
    // together.
    assertThat(batched.counters.groupWrites).isEqualTo(2);
    assertThat(batched.counters.keyReads).isEqualTo(1);
    assertThat(batched.counters.singleWrites).isZero();
  }

  @Test
  void aBatchSentAgainIsAnsweredItsFirstAnswersFromOneReadOfItsKeysPerGroup() {
    List<UsageReport> reports =
        IntStream.range(0, 250).mapToObj(i -> report("sum-soft", "1", "again-" + i)).toList();
    List<BatchResult> first = batched.batch(reports);
    alone.oneByOne(reports);
    batched.counters.groupWrites = 0;

    List<BatchResult> again = sameAsOneByOne(reports);

    assertThat(again).allSatisfy(result -> assertThat(result.result().replayed()).isTrue());
    assertThat(again.stream().map(BatchGroupsTest::usage))
        .isEqualTo(first.stream().map(BatchGroupsTest::usage).toList());
    assertThat(batched.counter("sum-soft", "2026-11").sum()).isEqualByComparingTo("250");
    assertThat(batched.counters.groupWrites)
        .isEqualTo(3); // each refused whole: 99 + 99 + 52 keys used
    assertThat(batched.counters.keyReads).isEqualTo(3);
    assertThat(batched.counters.singleWrites).isZero();
  }

  @Test
  void theSameKeyTwiceInABatchIsCountedOnceAndReplayedTheSecondTime() {
    List<BatchResult> results =
        sameAsOneByOne(
            List.of(
                report("sum-soft", "1", "a"),
                report("sum-soft", "2", "b"),
                report("sum-soft", "1", "a"),
                report("sum-soft", "3", "c"),
                report("sum-soft", "3", "a")));

    assertThat(
            results.stream()
                .map(
                    r ->
                        r.error() != null
                            ? "409"
                            : usage(r) + (r.result().replayed() ? " replay" : "")))
        .containsExactly("1", "3", "1 replay", "6", "409");
    assertThat(batched.counter("sum-soft", "2026-11").sum()).isEqualByComparingTo("6");
  }

  @Test
  void otherCountersAndALateReportOfThePreviousPeriodAreGroupedApart() {
    List<UsageReport> reports =
        List.of(
            report("sum-soft", "5", null),
            new UsageReport("daily", BigDecimal.ONE, null, "d-1"),
            new UsageReport("daily", new BigDecimal("4"), YESTERDAY, "d-2"),
            report("count-soft", "9", null),
            report("sum-soft", "6", null),
            new UsageReport("daily", new BigDecimal("2"), null, null),
            new UsageReport("daily", BigDecimal.TEN, YESTERDAY, null),
            report("max-hard", "7", null),
            report("count-soft", "9", "c-1"),
            report("max-hard", "3", null),
            report("sum-hard", "500", null),
            report("sum-soft", "0.5", null));

    List<BatchResult> results = sameAsOneByOne(reports);

    assertThat(results.stream().map(r -> r.error() != null ? r.error().field() : usage(r)))
        .containsExactly("5", "1", "4", "1", "11", "3", "14", "7", "2", "7", "0", "11.5");
    assertThat(batched.counter("daily", "2026-11-25").sum()).isEqualByComparingTo("3");
    assertThat(batched.counter("daily", "2026-11-24").sum()).isEqualByComparingTo("14");
    assertThat(batched.counter("sum-soft", "2026-11").sum()).isEqualByComparingTo("11.5");
    assertThat(batched.counter("count-soft", "2026-11").count()).isEqualTo(2);
    // sum-soft, both daily periods and count-soft in a write each; MAX and the refused report
    // alone.
    assertThat(batched.counters.groupWrites).isEqualTo(4);
    assertThat(batched.counters.singleWrites).isEqualTo(2);
  }

  @Test
  void aGroupRemembersAtMostItsShareOfKeysAndTheNextStartsWhereItEnded() {
    List<UsageReport> reports =
        IntStream.range(0, 250).mapToObj(i -> report("sum-soft", "1", "k-" + i)).toList();

    List<BatchResult> results = sameAsOneByOne(reports);

    assertThat(batched.counters.groupWrites).isEqualTo(3); // 99 + 99 + 52 keys
    assertThat(batched.counters.singleWrites).isZero();
    assertThat(usage(results.get(98))).isEqualTo("99");
    assertThat(usage(results.get(99))).isEqualTo("100");
    assertThat(usage(results.get(249))).isEqualTo("250");
    assertThat(UsageCounters.MAX_KEYS_PER_GROUP).isEqualTo(99);
  }

  @Test
  void aRefusedReportBetweenOthersOfItsCounterSeesTheOnesBeforeIt() {
    List<BatchResult> results =
        sameAsOneByOne(
            List.of(
                report("sum-hard", "10", null),
                report("sum-hard", "10", null),
                report("sum-hard", "200", null),
                report("sum-hard", "10", null),
                report("sum-hard", "10", null)));

    assertThat(results.stream().map(r -> r.result().state().status() + " " + usage(r)))
        .containsExactly("ACCEPTED 10", "ACCEPTED 20", "REJECTED 20", "ACCEPTED 30", "ACCEPTED 40");
    assertThat(batched.counters.groupWrites).isEqualTo(2);
  }

  @Test
  void maxMinAndLatestAreWrittenOneReportAtATime() {
    sameAsOneByOne(
        List.of(
            report("max-hard", "3", null),
            report("max-hard", "9", "m-1"),
            report("max-hard", "5", null)));

    assertThat(batched.counters.groupWrites).isZero();
    assertThat(batched.counters.singleWrites).isEqualTo(3);
  }
}
