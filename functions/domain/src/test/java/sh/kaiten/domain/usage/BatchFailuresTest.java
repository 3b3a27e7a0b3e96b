package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.StoreFailureException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * A batch is checked whole before anything is written, and a store failure part-way is answered per
 * report: what was counted, what may have been, what was not; a retry with the same keys is then
 * exact.
 */
class BatchFailuresTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters memory = new InMemoryCounters();
  private final FailingCounters counters = new FailingCounters(memory);
  private final UsageReporting reporting;
  private final ApiToken instance;
  private final String tenantId;

  BatchFailuresTest() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    reporting =
        new UsageReporting(
            catalog,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            counters,
            signal -> {},
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
    Map<String, JsonNode> limits = new HashMap<>();
    for (String slug : List.of("sum-soft", "count-soft", "max-hard")) {
      Aggregation aggregation =
          Aggregation.valueOf(slug.substring(0, slug.indexOf('-')).toUpperCase());
      Enforcement enforcement = slug.endsWith("hard") ? Enforcement.HARD : Enforcement.SOFT;
      admin
          .catalog()
          .createEntitlement(
              token,
              new Entitlement(
                  slug,
                  slug,
                  EntitlementType.NUMERIC,
                  new Metering(aggregation, null, null, null, enforcement, null, null, null),
                  null,
                  null));
      limits.put(slug, JsonNodeFactory.instance.numberNode(100));
    }
    admin.catalog().createTier(token, new TierDraft("pro", "Pro", 1, limits));
    String customer = admin.customers().createCustomer(token, "Acme", null).id();
    String license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    instance = admin.instances().createInstance(token, "acme-prod", license, null, null).token();
  }

  /**
   * The counter port with a write that fails: before it is applied, or after (its answer lost on
   * the way back).
   */
  private static final class FailingCounters implements UsageCounters {
    private final InMemoryCounters store;

    /** The entitlement whose next counter write fails; null for none. */
    String failing;

    boolean afterApplying;

    FailingCounters(InMemoryCounters store) {
      this.store = store;
    }

    private CounterUpdate write(CounterKey key, java.util.function.Supplier<CounterUpdate> write) {
      if (!key.entitlement().equals(failing)) {
        return write.get();
      }
      failing = null;
      if (afterApplying) {
        write.get();
      }
      throw new IllegalStateException("the store failed");
    }

    @Override
    public CounterUpdate add(
        CounterKey key,
        Metering metering,
        PeriodClose close,
        BigDecimal value,
        Instant at,
        BigDecimal ceiling) {
      return write(key, () -> store.add(key, metering, close, value, at, ceiling));
    }

    @Override
    public CounterUpdate addAll(
        CounterKey key, Metering metering, PeriodClose close, Tally reports, BigDecimal ceiling) {
      return write(key, () -> store.addAll(key, metering, close, reports, ceiling));
    }

    @Override
    public CounterUpdate count(
        CounterKey key,
        Metering metering,
        PeriodClose close,
        CounterStep step,
        BigDecimal ceiling,
        IdempotentReport remember,
        sh.kaiten.domain.outbox.ChangeRecords records) {
      return write(key, () -> store.count(key, metering, close, step, ceiling, remember, records));
    }

    @Override
    public CounterUpdate countAll(
        CounterKey key,
        Metering metering,
        PeriodClose close,
        CounterStep step,
        BigDecimal ceiling,
        List<IdempotentReport> remember,
        sh.kaiten.domain.outbox.ChangeRecords records,
        Instant now) {
      return write(
          key, () -> store.countAll(key, metering, close, step, ceiling, remember, records, now));
    }

    @Override
    public Optional<IdempotentReport> remembered(
        String tenantId, String instanceId, String idempotencyKey, Instant now) {
      return store.remembered(tenantId, instanceId, idempotencyKey, now);
    }

    @Override
    public Map<String, IdempotentReport> remembered(
        String tenantId, String instanceId, Collection<String> keys, Instant now) {
      return store.remembered(tenantId, instanceId, keys, now);
    }

    @Override
    public Tally tally(CounterKey key, Metering metering) {
      return store.tally(key, metering);
    }

    @Override
    public Map<CounterKey, Tally> tallies(Map<CounterKey, Metering> read) {
      return store.tallies(read);
    }
  }

  private static UsageReport report(String slug, String value, String key) {
    return new UsageReport(slug, new BigDecimal(value), null, key);
  }

  /**
   * Written in this order: max-hard alone as it comes (k1, then k4), then the groups at the end,
   * sum-soft (k0 and k3 in one write), then count-soft (k2).
   */
  private static final List<UsageReport> BATCH =
      List.of(
          report("sum-soft", "5", "k0"),
          report("max-hard", "7", "k1"),
          report("count-soft", "1", "k2"),
          report("sum-soft", "6", "k3"),
          report("max-hard", "9", "k4"));

  private Tally counter(String slug) {
    return memory.tallies.getOrDefault(
        new CounterKey(
            tenantId, slug, CounterKey.instanceHolder("acme-prod"), "2026-11-01T00:00:00Z"),
        Tally.EMPTY);
  }

  /** What each report came to: its usage, "replay of" it, or the problem type of its error. */
  private static List<String> outcomes(List<BatchResult> results) {
    return results.stream()
        .map(
            result ->
                result.error() != null
                    ? result.error().problemType()
                    : (result.result().replayed() ? "replay of " : "")
                        + result.result().state().currentUsage().toPlainString())
        .toList();
  }

  @Test
  void aStoreFailurePartWayAnswersWhatWasCountedAndARetryCountsEachReportOnce() {
    counters.failing = "sum-soft";

    List<BatchResult> first = reporting.reportAll(instance, "acme-prod", BATCH, null);

    assertThat(outcomes(first))
        .containsExactly("outcome-unknown", "7", "not-applied", "outcome-unknown", "9");
    assertThat(first.get(0).error())
        .isInstanceOf(StoreFailureException.class)
        .hasMessage(
            "the store failed while this "
                + "report was written; it may or may not have been counted: send it again with the same idempotency_key, "
                + "and it is counted once")
        .hasRootCauseMessage("the store failed");
    assertThat(first.get(2).error())
        .hasMessage(
            "not counted: the batch stopped at a store failure before this report was written; send it again");
    assertThat(((StoreFailureException) first.get(2).error()).attempted()).isFalse();
    assertThat(counter("max-hard").max()).isEqualByComparingTo("9");
    assertThat(counter("sum-soft")).isEqualTo(Tally.EMPTY);
    assertThat(counter("count-soft")).isEqualTo(Tally.EMPTY);

    List<BatchResult> retry = reporting.reportAll(instance, "acme-prod", BATCH, null);

    assertThat(outcomes(retry)).containsExactly("5", "replay of 7", "1", "11", "replay of 9");
    assertThat(counter("sum-soft").sum()).isEqualByComparingTo("11");
    assertThat(counter("count-soft").count()).isEqualTo(1);
    assertThat(counter("max-hard").max()).isEqualByComparingTo("9");
  }

  @Test
  void aWriteThatWasAppliedBeforeItFailedIsReplayedByTheRetryNotCountedAgain() {
    counters.failing = "sum-soft";
    counters.afterApplying = true;

    List<BatchResult> first = reporting.reportAll(instance, "acme-prod", BATCH, null);

    assertThat(outcomes(first))
        .containsExactly("outcome-unknown", "7", "not-applied", "outcome-unknown", "9");
    assertThat(counter("sum-soft").sum()).isEqualByComparingTo("11");

    List<BatchResult> retry = reporting.reportAll(instance, "acme-prod", BATCH, null);

    assertThat(outcomes(retry))
        .containsExactly("replay of 5", "replay of 7", "1", "replay of 11", "replay of 9");
    assertThat(counter("sum-soft").sum()).isEqualByComparingTo("11");
    assertThat(counter("count-soft").count()).isEqualTo(1);
  }

  @Test
  void aFailureOfAReportWrittenAloneStopsTheReportsAfterIt() {
    counters.failing = "max-hard";

    List<BatchResult> first =
        reporting.reportAll(
            instance,
            "acme-prod",
            List.of(
                report("max-hard", "7", null),
                report("sum-soft", "5", null),
                report("max-hard", "9", "k")),
            null);

    assertThat(outcomes(first)).containsExactly("outcome-unknown", "not-applied", "not-applied");
    assertThat(first.get(0).error())
        .hasMessage(
            "the store failed while this report was written; it may or may not "
                + "have been counted: it has no idempotency_key, so sending it again may count it twice");
    assertThat(memory.tallies).isEmpty();
  }

  @Test
  void oneInvalidReportRefusesTheWholeBatchNamingItAndNothingIsWritten() {
    assertThatThrownBy(
            () ->
                reporting.reportAll(
                    instance,
                    "acme-prod",
                    List.of(
                        report("sum-soft", "5", "a"),
                        report("sum-soft", "1e-40", "b"),
                        report("count-soft", "1", null)),
                    null))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("events[1].value");
    assertThatThrownBy(
            () ->
                reporting.reportAll(
                    instance,
                    "acme-prod",
                    List.of(report("sum-soft", "5", "a"), report("nope", "1", null)),
                    null))
        .isInstanceOf(UnknownReferenceException.class)
        .hasMessage("events[1]: entitlement 'nope' does not exist")
        .extracting("field")
        .isEqualTo("events[1].entitlement_slug");
    assertThatThrownBy(
            () ->
                reporting.reportAll(
                    instance,
                    "acme-prod",
                    List.of(
                        report("sum-soft", "5", "a"),
                        new UsageReport("sum-soft", BigDecimal.ONE, NOW.plusSeconds(600), null)),
                    null))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("events[1].timestamp");
    assertThatThrownBy(
            () ->
                reporting.reportAll(
                    instance,
                    "acme-prod",
                    List.of(report("sum-soft", "5", "a"), report("sum-soft", "1", "not a key")),
                    null))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("events[1].idempotency_key");
    assertThat(memory.tallies).isEmpty();
    assertThat(memory.remembered).isEmpty();
    assertThat(memory.singleWrites + memory.groupWrites).isZero();
  }
}
