package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.BeforeEach;
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
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.UsageStatus;

/** The six aggregations through the use case, their HARD limits, and idempotency keys. */
class AggregationsAndKeysTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final List<ThresholdSignal> signals = new ArrayList<>();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final UsageReporting reporting =
      new UsageReporting(
          catalog,
          catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
          counters,
          signals::add,
          clock,
          Duration.ofHours(24));
  private ApiToken instance;

  @BeforeEach
  void oneEntitlementPerAggregation() {
    Administration admin =
        new Administration(
            catalog.adminStores(new InMemoryTokens()),
            new InMemoryJournal(),
            clock,
            Optional.of("bootstrap"),
            Duration.ofDays(3));
    ApiToken token = admin.tenants().bootstrapTenant("bootstrap", "Vendor").adminToken();
    Map<String, com.fasterxml.jackson.databind.JsonNode> limits = new java.util.HashMap<>();
    for (Aggregation aggregation : Aggregation.values()) {
      String slug = aggregation.name().toLowerCase();
      admin
          .catalog()
          .createEntitlement(
              token,
              new Entitlement(
                  slug,
                  slug,
                  EntitlementType.NUMERIC,
                  new Metering(aggregation, null, null, null, Enforcement.HARD, null, null, null),
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

  private ReportResult report(String slug, String value, Instant at) {
    return reporting.report(
        instance, "acme-prod", new UsageReport(slug, new BigDecimal(value), at));
  }

  private ReportResult report(String slug, String value, String key) {
    return reporting.report(
        instance, "acme-prod", new UsageReport(slug, new BigDecimal(value), null, key));
  }

  private BigDecimal usageAfter(String slug, String... reports) {
    ReportResult last = null;
    for (int i = 0; i < reports.length; i++) {
      last = report(slug, reports[i], NOW.minusSeconds(60 - i));
    }
    return last.state().currentUsage();
  }

  @Test
  void eachAggregationFoldsItsReports() {
    assertThat(usageAfter("sum", "5", "7", "1")).isEqualByComparingTo("13");
    assertThat(usageAfter("count", "5", "7", "1")).isEqualByComparingTo("3");
    assertThat(usageAfter("max", "5", "7", "1")).isEqualByComparingTo("7");
    assertThat(usageAfter("min", "5", "7", "1")).isEqualByComparingTo("1");
    assertThat(usageAfter("average", "5", "7", "1")).isEqualByComparingTo("4.333333333333333");
    assertThat(usageAfter("latest", "5", "7", "1")).isEqualByComparingTo("1");
  }

  @Test
  void latestFollowsTheReportTimestampNotTheArrival() {
    report("latest", "8", NOW.minusSeconds(10));
    ReportResult late = report("latest", "3", NOW.minusSeconds(3600));
    assertThat(late.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(late.state().currentUsage()).isEqualByComparingTo("8");
  }

  @Test
  void aHardLimitHoldsUnderEveryAggregation() {
    // SUM and COUNT accumulate up to the limit; the gauges refuse a value above it.
    assertThat(usageAfter("sum", "60", "40")).isEqualByComparingTo("100");
    assertThat(report("sum", "1", NOW).reason()).isEqualTo(Reason.LIMIT_REACHED);
    for (int i = 0; i < 100; i++) {
      report("count", "1", NOW);
    }
    ReportResult over = report("count", "1", NOW);
    assertThat(over.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(over.state().currentUsage()).isEqualByComparingTo("100");
    for (String gauge : List.of("max", "min", "average", "latest")) {
      assertThat(report(gauge, "100", NOW).state().status())
          .as(gauge)
          .isEqualTo(UsageStatus.ACCEPTED);
      ReportResult refused = report(gauge, "100.5", NOW);
      assertThat(refused.state().status()).as(gauge).isEqualTo(UsageStatus.REJECTED);
      assertThat(refused.state().currentUsage()).as(gauge).isEqualByComparingTo("100");
    }
  }

  @Test
  void aKeyCountsOnceAndReplaysItsFirstAnswer() {
    ReportResult first = report("sum", "10", "order-1");
    ReportResult again = report("sum", "10", "order-1");
    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.state()).isEqualTo(first.state());
    assertThat(again.state().currentUsage()).isEqualByComparingTo("10");
    assertThat(report("sum", "1", (String) null).state().currentUsage()).isEqualByComparingTo("11");
    assertThat(signals).isEmpty();
  }

  @Test
  void aKeyReusedForAnotherReportIsAConflict() {
    report("sum", "10", "order-1");
    assertThatThrownBy(() -> report("sum", "11", "order-1"))
        .isInstanceOf(ConflictException.class)
        .extracting("field")
        .isEqualTo("idempotency_key");
    assertThatThrownBy(() -> report("max", "10", "order-1")).isInstanceOf(ConflictException.class);
    assertThat(counters.total(counters.tallies.keySet().iterator().next()))
        .isEqualByComparingTo("10");
  }

  @Test
  void aRejectedReportDoesNotUseUpItsKey() {
    report("sum", "95", (String) null);
    ReportResult refused = report("sum", "10", "order-2");
    assertThat(refused.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(refused.replayed()).isFalse();
    ReportResult refusedOutright = report("sum", "500", "order-3");
    assertThat(refusedOutright.reason()).isEqualTo(Reason.LIMIT_REACHED);

    ReportResult fits =
        reporting.report(
            instance, "acme-prod", new UsageReport("sum", new BigDecimal("5"), null, "order-2"));
    // Same key, another value than the refused report: the refusal was never remembered.
    assertThat(fits.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(fits.state().currentUsage()).isEqualByComparingTo("100");
    // Once counted, a later refusal of the same report still answers the first result.
    ReportResult replay =
        reporting.report(
            instance, "acme-prod", new UsageReport("sum", new BigDecimal("5"), null, "order-2"));
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.state().status()).isEqualTo(UsageStatus.ACCEPTED);
  }

  @Test
  void aKeyMustBeShortAndPlain() {
    for (String bad : List.of("", "a b", "x".repeat(129), "ключ", "a/b")) {
      assertThatThrownBy(() -> report("sum", "1", bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .extracting("field")
          .isEqualTo("idempotency_key");
    }
    assertThat(report("sum", "1", "A-z_0.9:" + "x".repeat(120)).state().status())
        .isEqualTo(UsageStatus.ACCEPTED);
    assertThat(counters.tallies).hasSize(1);
  }
}
