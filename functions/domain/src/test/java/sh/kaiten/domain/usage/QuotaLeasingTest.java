package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
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
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryLeases;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageStatus;
import sh.kaiten.domain.outbox.ChangeRecords;

/** Leases through the use case, on the in-memory ports with a clock moved by hand. */
class QuotaLeasingTest {
  private static final Instant NOW = Instant.parse("2026-11-30T23:58:00Z");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final SettableClock clock = new SettableClock(NOW);
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final InMemoryLeases leases = new InMemoryLeases(counters);
  private final List<ThresholdSignal> signals = new ArrayList<>();
  private final InMemoryInstanceReads reads = new InMemoryInstanceReads(catalog, counters);
  private final QuotaLeasing leasing =
      new QuotaLeasing(
          catalog,
          catalog.lookup(reads),
          counters,
          leases,
          signals::add,
          clock,
          Duration.ofHours(24));
  private final UsageReporting reporting =
      new UsageReporting(
          catalog, catalog.lookup(reads), counters, signals::add, clock, Duration.ofHours(24));
  private final List<LeaseAnswer> journaled = new ArrayList<>();
  private final LeaseJournal journal =
      answer -> {
        journaled.add(answer);
        return ChangeRecords.NONE;
      };
  private ApiToken adminToken;
  private ApiToken prod;
  private ApiToken staging;
  private ApiToken otherTenant;

  @BeforeEach
  void catalog() {
    counters.clock = clock;
    Administration admin =
        new Administration(
            catalog.adminStores(new InMemoryTokens()),
            new InMemoryJournal(),
            clock,
            Optional.of("bootstrap-test"),
            Duration.ofDays(3));
    adminToken = admin.tenants().bootstrapTenant("bootstrap-test", "Acme Vendor").adminToken();
    define(admin, adminToken, "calls", Aggregation.SUM, Enforcement.HARD, MeterScope.INSTANCE);
    define(admin, adminToken, "pool", Aggregation.SUM, Enforcement.HARD, MeterScope.LICENSE);
    define(admin, adminToken, "jobs", Aggregation.COUNT, Enforcement.HARD, MeterScope.INSTANCE);
    define(admin, adminToken, "soft", Aggregation.SUM, Enforcement.SOFT, MeterScope.INSTANCE);
    define(admin, adminToken, "peak", Aggregation.MAX, Enforcement.HARD, MeterScope.INSTANCE);
    admin
        .catalog()
        .createEntitlement(
            adminToken, new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, null));
    admin
        .catalog()
        .createTier(
            adminToken,
            new TierDraft(
                "pro",
                "Pro",
                2,
                Map.of(
                    "calls",
                    JSON.numberNode(100),
                    "pool",
                    JSON.numberNode(100),
                    "jobs",
                    JSON.numberNode(10),
                    "soft",
                    JSON.numberNode(100),
                    "peak",
                    JSON.numberNode(100),
                    "sso",
                    JSON.booleanNode(true))));
    String customer = admin.customers().createCustomer(adminToken, "Acme Corp", null).id();
    String license =
        admin
            .licenses()
            .createLicense(
                adminToken, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    prod = admin.instances().createInstance(adminToken, "acme-prod", license, null, null).token();
    staging =
        admin.instances().createInstance(adminToken, "acme-staging", license, null, null).token();
    ApiToken otherAdmin =
        admin.tenants().bootstrapTenant("bootstrap-test", "Other Vendor").adminToken();
    define(admin, otherAdmin, "calls", Aggregation.SUM, Enforcement.HARD, MeterScope.INSTANCE);
    admin
        .catalog()
        .createTier(
            otherAdmin, new TierDraft("pro", "Pro", 2, Map.of("calls", JSON.numberNode(100))));
    String otherCustomer = admin.customers().createCustomer(otherAdmin, "Other Corp", null).id();
    String otherLicense =
        admin
            .licenses()
            .createLicense(
                otherAdmin, new LicenseDraft(otherCustomer, "pro", null, null, null, null, null))
            .id();
    otherTenant =
        admin.instances().createInstance(otherAdmin, "acme-prod", otherLicense, null, null).token();
  }

  private static void define(
      Administration admin,
      ApiToken token,
      String slug,
      Aggregation aggregation,
      Enforcement enforcement,
      MeterScope scope) {
    admin
        .catalog()
        .createEntitlement(
            token,
            new Entitlement(
                slug,
                slug,
                EntitlementType.NUMERIC,
                new Metering(aggregation, Reset.MONTH, null, scope, enforcement, null, null, null),
                null,
                null));
  }

  private LeaseAnswer grant(
      ApiToken token, String instance, String slug, String units, Integer ttl) {
    return leasing.grant(
        token, instance, new LeaseRequest(slug, new BigDecimal(units), ttl), journal);
  }

  private ReportResult settle(
      ApiToken token, String instance, String slug, String value, String leaseId) {
    return leasing.settle(
        token,
        instance,
        new UsageReport(slug, new BigDecimal(value), null, null, leaseId),
        ReportJournal.SILENT);
  }

  /** A settlement by prod that stands for {@code reports} reports. */
  private ReportResult settle(String slug, String value, int reports, String leaseId) {
    return leasing.settle(
        prod,
        "acme-prod",
        new UsageReport(slug, new BigDecimal(value), null, null, leaseId, reports),
        ReportJournal.SILENT);
  }

  /** Prod's counter of {@code slug} as stored. */
  private Tally tally(String slug) {
    return counters.tallies.entrySet().stream()
        .filter(
            entry ->
                entry.getKey().tenantId().equals(prod.tenantId())
                    && entry.getKey().entitlement().equals(slug)
                    && entry.getKey().holder().equals(CounterKey.instanceHolder("acme-prod")))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(Tally.EMPTY);
  }

  private ReportResult report(String slug, String value) {
    return reporting.report(prod, "acme-prod", new UsageReport(slug, new BigDecimal(value), null));
  }

  @Test
  void aGrantTakesWhatRemainsAndPlainReportsCountTheLeasedUnits() {
    report("calls", "30");
    LeaseAnswer first = grant(prod, "acme-prod", "calls", "50", 30);
    LeaseAnswer second = grant(prod, "acme-prod", "calls", "50", null);
    LeaseAnswer none = grant(prod, "acme-prod", "calls", "1", null);

    assertThat(first.granted()).isEqualByComparingTo("50");
    assertThat(first.leaseId()).matches("lse_[0-9a-z]{26}");
    assertThat(first.expiresAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(first.leased()).isEqualByComparingTo("50");
    assertThat(first.available()).isEqualByComparingTo("20");
    assertThat(second.granted()).isEqualByComparingTo("20");
    assertThat(second.expiresAt()).isEqualTo(NOW.plus(QuotaLeasing.DEFAULT_TTL));
    assertThat(second.available()).isEqualByComparingTo("0");
    assertThat(none.leaseId()).isNull();
    assertThat(none.granted()).isEqualByComparingTo("0");
    assertThat(none.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(report("calls", "1").reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(journaled)
        .extracting(LeaseAnswer::leaseId)
        .containsExactly(first.leaseId(), second.leaseId());
    assertThat(leases.writes).isEqualTo(2); // nothing granted, nothing written
  }

  @Test
  void anExpiredLeaseGivesItsUnitsBackWithNoSweeper() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "100", 60);
    assertThat(grant(prod, "acme-prod", "calls", "10", null).granted()).isEqualByComparingTo("0");

    clock.advance(Duration.ofSeconds(60));

    assertThatThrownBy(() -> settle(prod, "acme-prod", "calls", "5", lease.leaseId()))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.field()).isEqualTo("lease_id"));
    assertThat(grant(prod, "acme-prod", "calls", "10", null).granted()).isEqualByComparingTo("10");
    assertThat(report("calls", "90").state().status()).isEqualTo(UsageStatus.ACCEPTED);
    // The grant pruned it: now it is not there at all.
    assertThatThrownBy(() -> settle(prod, "acme-prod", "calls", "5", lease.leaseId()))
        .isInstanceOfSatisfying(
            UnknownReferenceException.class, e -> assertThat(e.field()).isEqualTo("lease_id"));
  }

  @Test
  void aSettlementMovesUnitsFromTheLeaseAndPastItTakesFromThePoolUnderTheLimit() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "40", null);
    report("calls", "55");

    ReportResult within = settle(prod, "acme-prod", "calls", "25", lease.leaseId());
    ReportResult past =
        settle(prod, "acme-prod", "calls", "21", lease.leaseId()); // 15 left + 6 > 5 free
    ReportResult fits =
        settle(prod, "acme-prod", "calls", "20", lease.leaseId()); // 15 left + 5 free

    assertThat(within.state().currentUsage()).isEqualByComparingTo("80");
    assertThat(within.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(past.state().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(past.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(past.state().currentUsage()).isEqualByComparingTo("80");
    assertThat(fits.state().currentUsage()).isEqualByComparingTo("100");
  }

  @Test
  void aSettlementSentAgainWithItsKeyCountsOnceEvenAfterItsLeaseExpired() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "40", null);
    UsageReport keyed =
        new UsageReport("calls", new BigDecimal("15"), null, "flush-1", lease.leaseId());
    ReportResult first = leasing.settle(prod, "acme-prod", keyed, ReportJournal.SILENT);

    clock.advance(
        QuotaLeasing.DEFAULT_TTL); // the lease has ended; the retry of a lost answer still replays
    ReportResult again = leasing.settle(prod, "acme-prod", keyed, ReportJournal.SILENT);

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.state().currentUsage()).isEqualByComparingTo("15");
    assertThat(report("calls", "85").state().status())
        .isEqualTo(UsageStatus.ACCEPTED); // 15 + 85: exactly once
    assertThat(report("calls", "1").reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void aReleaseReturnsTheUnusedUnitsAtOnceAndIsJournaled() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "100", null);
    settle(prod, "acme-prod", "calls", "30", lease.leaseId());

    LeaseAnswer released = leasing.release(prod, "acme-prod", "calls", lease.leaseId(), journal);

    assertThat(released.released()).isEqualByComparingTo("70");
    assertThat(released.currentUsage()).isEqualByComparingTo("30");
    assertThat(released.leased()).isEqualByComparingTo("0");
    assertThat(released.available()).isEqualByComparingTo("70");
    assertThat(report("calls", "70").state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(journaled).hasSize(2);
    assertThatThrownBy(() -> leasing.release(prod, "acme-prod", "calls", lease.leaseId(), journal))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.field()).isEqualTo("lease_id"));
  }

  @Test
  void theNextPeriodStartsWithNoLease() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "100", 300);
    assertThat(lease.expiresAt())
        .isEqualTo(Instant.parse("2026-12-01T00:00:00Z")); // the period ends first

    clock.set(Instant.parse("2026-12-01T00:00:00Z"));

    assertThat(grant(prod, "acme-prod", "calls", "100", null).granted())
        .isEqualByComparingTo("100");
    assertThatThrownBy(() -> settle(prod, "acme-prod", "calls", "1", lease.leaseId()))
        .isInstanceOfSatisfying(
            UnknownReferenceException.class, e -> assertThat(e.field()).isEqualTo("lease_id"));
  }

  @Test
  void aLicensePoolIsLeasedByEveryInstanceAndALeaseIsItsHoldersOnly() {
    LeaseAnswer prodLease = grant(prod, "acme-prod", "pool", "60", null);
    LeaseAnswer stagingLease = grant(staging, "acme-staging", "pool", "60", null);

    assertThat(stagingLease.granted()).isEqualByComparingTo("40");
    assertThatThrownBy(() -> settle(staging, "acme-staging", "pool", "1", prodLease.leaseId()))
        .isInstanceOfSatisfying(
            UnknownReferenceException.class, e -> assertThat(e.field()).isEqualTo("lease_id"));
    assertThatThrownBy(
            () -> leasing.release(staging, "acme-staging", "pool", prodLease.leaseId(), journal))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> settle(otherTenant, "acme-prod", "calls", "1", prodLease.leaseId()))
        .isInstanceOf(UnknownReferenceException.class);
  }

  @Test
  void aCountEntitlementLeasesWholeReports() {
    LeaseAnswer lease = grant(prod, "acme-prod", "jobs", "4", null);
    assertThat(settle(prod, "acme-prod", "jobs", "250", lease.leaseId()).state().currentUsage())
        .isEqualByComparingTo("1");
    assertThat(grant(prod, "acme-prod", "jobs", "20", null).granted()).isEqualByComparingTo("6");
    assertThatThrownBy(() -> grant(prod, "acme-prod", "jobs", "1.5", null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("units"));
  }

  @Test
  void aCountSettlementOfManyReportsTakesThatManyUnitsFromItsLease() {
    LeaseAnswer lease = grant(prod, "acme-prod", "jobs", "10", null);

    ReportResult settled =
        settle("jobs", "700", 7, lease.leaseId()); // 7 reports whose values sum to 700

    assertThat(settled.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(settled.state().currentUsage()).isEqualByComparingTo("7");
    assertThat(tally("jobs").count()).isEqualTo(7);
    assertThat(tally("jobs").sum()).isEqualByComparingTo("700");
    LeaseAnswer released = leasing.release(prod, "acme-prod", "jobs", lease.leaseId(), journal);
    assertThat(released.released()).isEqualByComparingTo("3");
    assertThat(released.currentUsage()).isEqualByComparingTo("7");
  }

  @Test
  void aSumSettlementOfManyReportsAddsItsValueToTheUsageAndItsReportsToTheCount() {
    report("calls", "3");
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "40", null);

    ReportResult settled = settle("calls", "12", 5, lease.leaseId());

    assertThat(settled.state().currentUsage()).isEqualByComparingTo("15");
    assertThat(tally("calls").count()).isEqualTo(6);
    assertThat(tally("calls").sum()).isEqualByComparingTo("15");
    assertThat(leasing.release(prod, "acme-prod", "calls", lease.leaseId(), journal).released())
        .isEqualByComparingTo("28");
  }

  @Test
  void aCountSettlementPastItsLeaseTakesTheRestFromThePoolOrIsRejectedWhole() {
    LeaseAnswer lease = grant(prod, "acme-prod", "jobs", "4", null);
    report("jobs", "1");
    report("jobs", "1"); // 2 used, 4 leased: 4 of the limit of 10 left in the pool

    ReportResult past = settle("jobs", "9", 9, lease.leaseId()); // 4 from the lease + 5 > 4
    ReportResult fits = settle("jobs", "8", 8, lease.leaseId()); // 4 from the lease + 4

    assertThat(past.state().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(past.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(past.state().currentUsage()).isEqualByComparingTo("2");
    assertThat(fits.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(fits.state().currentUsage()).isEqualByComparingTo("10");
    assertThat(tally("jobs").count()).isEqualTo(10);
    assertThat(report("jobs", "1").reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void aSettlementOfManyReportsSentAgainReplaysAndAnotherCountUnderItsKeyConflicts() {
    LeaseAnswer lease = grant(prod, "acme-prod", "jobs", "10", null);
    UsageReport keyed =
        new UsageReport("jobs", new BigDecimal("7"), null, "flush-7", lease.leaseId(), 7);
    ReportResult first = leasing.settle(prod, "acme-prod", keyed, ReportJournal.SILENT);

    ReportResult again = leasing.settle(prod, "acme-prod", keyed, ReportJournal.SILENT);

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.state().currentUsage()).isEqualByComparingTo("7");
    assertField(
        () ->
            leasing.settle(
                prod,
                "acme-prod",
                new UsageReport("jobs", new BigDecimal("7"), null, "flush-7", lease.leaseId(), 6),
                ReportJournal.SILENT),
        ConflictException.class,
        "idempotency_key");
    assertThat(tally("jobs").count()).isEqualTo(7);
  }

  @Test
  void reportsIsOnlyForASettlementFromOneToABillionAndARefusalWritesNothing() {
    LeaseAnswer lease = grant(prod, "acme-prod", "calls", "40", null);
    int grantWrites = leases.writes;

    assertField(
        () -> settle("calls", "1", 0, lease.leaseId()), InvalidInputException.class, "reports");
    assertField(
        () -> settle("calls", "1", -3, lease.leaseId()), InvalidInputException.class, "reports");
    assertField(
        () -> settle("calls", "1", QuotaLeasing.MAX_REPORTS + 1, lease.leaseId()),
        InvalidInputException.class,
        "reports");
    assertField(
        () ->
            reporting.report(
                prod, "acme-prod", new UsageReport("calls", BigDecimal.ONE, null, null, null, 2)),
        InvalidInputException.class,
        "reports");
    assertField(
        () ->
            reporting.reportAll(
                prod,
                "acme-prod",
                List.of(
                    new UsageReport("calls", BigDecimal.ONE, null),
                    new UsageReport("calls", BigDecimal.ONE, null, null, null, 1)),
                null),
        InvalidInputException.class,
        "events[1].reports");
    assertThat(leases.writes).isEqualTo(grantWrites);
    assertThat(counters.singleWrites + counters.groupWrites).isZero();
    assertThat(counters.tallies).isEmpty();

    // The bound itself is taken: under SUM the units are the value, whatever the count.
    assertThat(
            settle("calls", "5", QuotaLeasing.MAX_REPORTS, lease.leaseId()).state().currentUsage())
        .isEqualByComparingTo("5");
    assertThat(tally("calls").count()).isEqualTo(1_000_000_000L);
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndWritesNothing() {
    assertField(
        () -> grant(prod, "acme-prod", "calls", "0", null), InvalidInputException.class, "units");
    assertField(
        () -> grant(prod, "acme-prod", "calls", "-1", null), InvalidInputException.class, "units");
    assertField(
        () -> grant(prod, "acme-prod", "calls", "1e16", null),
        InvalidInputException.class,
        "units");
    assertField(
        () -> grant(prod, "acme-prod", "calls", "0.0000001", null),
        InvalidInputException.class,
        "units");
    assertField(
        () -> grant(prod, "acme-prod", "calls", "1", 0),
        InvalidInputException.class,
        "ttl_seconds");
    assertField(
        () -> grant(prod, "acme-prod", "calls", "1", 301),
        InvalidInputException.class,
        "ttl_seconds");
    assertField(
        () -> grant(prod, "acme-prod", "soft", "1", null),
        InvalidInputException.class,
        "entitlement_slug");
    assertField(
        () -> grant(prod, "acme-prod", "peak", "1", null),
        InvalidInputException.class,
        "entitlement_slug");
    assertField(
        () -> grant(prod, "acme-prod", "sso", "1", null),
        InvalidInputException.class,
        "entitlement_slug");
    assertField(
        () -> grant(prod, "acme-prod", "nope", "1", null),
        UnknownReferenceException.class,
        "entitlement_slug");
    assertField(
        () -> settle(prod, "acme-prod", "calls", "1", "lse_nope"),
        InvalidInputException.class,
        "lease_id");
    assertField(
        () -> settle(prod, "acme-prod", "calls", "1", "lse_00000000000000000000000000"),
        UnknownReferenceException.class,
        "lease_id");
    assertThat(leases.writes).isZero();
    assertThat(journaled).isEmpty();
  }

  @Test
  void aCounterHoldsAtMostItsBoundOfLiveLeases() {
    for (int i = 0; i < QuotaLeasing.MAX_LEASES; i++) {
      grant(prod, "acme-prod", "calls", "1", null);
    }
    assertField(
        () -> grant(prod, "acme-prod", "calls", "1", null),
        ConflictException.class,
        "entitlement_slug");
  }

  private static void assertField(
      Runnable call, Class<? extends KaitenException> type, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(type, e -> assertThat(e.field()).isEqualTo(field));
  }
}
