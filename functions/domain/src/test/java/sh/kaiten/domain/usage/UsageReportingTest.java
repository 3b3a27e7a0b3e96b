package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

class UsageReportingTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final List<ThresholdSignal> signals = new ArrayList<>();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Administration admin =
      new Administration(
          catalog.adminStores(new InMemoryTokens()),
          new InMemoryJournal(),
          clock,
          Optional.of("bootstrap-" + System.nanoTime()),
          Duration.ofDays(3));
  private final UsageReporting reporting =
      new UsageReporting(
          catalog,
          catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
          counters,
          signals::add,
          clock,
          Duration.ofHours(24));
  private final EntitlementQueries queries =
      new EntitlementQueries(
          catalog, catalog.lookup(new InMemoryInstanceReads(catalog, counters)), counters, clock);
  private ApiToken adminToken;
  private ApiToken instanceToken;

  @BeforeEach
  void productPageCatalog() {
    String secret = "bootstrap-test";
    Administration bootstrap =
        new Administration(
            catalog.adminStores(new InMemoryTokens()),
            new InMemoryJournal(),
            clock,
            Optional.of(secret),
            Duration.ofDays(3));
    adminToken = bootstrap.tenants().bootstrapTenant(secret, "Acme Vendor").adminToken();
    admin
        .catalog()
        .createEntitlement(
            adminToken,
            new Entitlement("api-calls", "API calls", EntitlementType.NUMERIC, null, null, null));
    admin
        .catalog()
        .createEntitlement(
            adminToken,
            new Entitlement(
                "burst",
                "Burst",
                EntitlementType.NUMERIC,
                new Metering(
                    null, null, null, null, Enforcement.SOFT, new BigDecimal("50"), null, null),
                null,
                null));
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
                    "api-calls",
                    JSON.numberNode(100000),
                    "burst",
                    JSON.numberNode(10),
                    "sso",
                    JSON.booleanNode(true))));
    String customer = admin.customers().createCustomer(adminToken, "Acme Corp", null).id();
    String license =
        admin
            .licenses()
            .createLicense(
                adminToken, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    instanceToken =
        admin.instances().createInstance(adminToken, "acme-prod", license, null, null).token();
  }

  private ReportResult report(String slug, String value) {
    return reporting.report(
        instanceToken, "acme-prod", new UsageReport(slug, new BigDecimal(value), null));
  }

  @Test
  void productPageRoundTrip() {
    report("api-calls", "67000");
    ReportResult last = report("api-calls", "433");
    assertThat(last.state().currentUsage()).isEqualByComparingTo("67433");
    assertThat(last.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    var usage = queries.usage(adminToken, "acme-prod", "api-calls");
    assertThat(usage.limit()).isEqualByComparingTo("100000");
    assertThat(usage.currentUsage()).isEqualByComparingTo("67433");
    assertThat(usage.percentageUsed()).isEqualTo(new BigDecimal("67.4"));
    assertThat(usage.status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(usage.period().start()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(usage.period().end()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
  }

  @Test
  void aCountedReportNotesWhenItsPeriodBecomesFinalAndItsLimit() {
    report("api-calls", "5");
    reporting.report(
        instanceToken,
        "acme-prod",
        new UsageReport(
            "burst", BigDecimal.ONE, Instant.parse("2026-11-24T13:00:00Z"), "late-burst"));

    Period november =
        new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(counters.closes.values())
        .containsExactlyInAnyOrder(
            new PeriodClose(
                november, Instant.parse("2026-12-02T00:00:00Z"), new BigDecimal("100000")),
            new PeriodClose(november, Instant.parse("2026-12-02T00:00:00Z"), new BigDecimal("10")));
  }

  @Test
  void hardLimitRefusesTheReportThatWouldPassIt() {
    report("api-calls", "99999");
    ReportResult refused = report("api-calls", "2");
    assertThat(refused.state().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(refused.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(refused.state().currentUsage()).isEqualByComparingTo("99999");
    ReportResult fits = report("api-calls", "1");
    assertThat(fits.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(fits.state().currentUsage()).isEqualByComparingTo("100000");
    assertThat(report("api-calls", "200000").reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void softLimitCountsPastTheLimitUpToTheOverageCap() {
    assertThat(report("burst", "9").state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(report("burst", "1").state().status()).isEqualTo(UsageStatus.EXCEEDED);
    assertThat(report("burst", "5").state().status()).isEqualTo(UsageStatus.EXCEEDED);
    ReportResult capped = report("burst", "1");
    assertThat(capped.state().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(capped.state().currentUsage()).isEqualByComparingTo("15");
  }

  @Test
  void aBoundaryTwoRacingReportsCrossTogetherIsSignalled() {
    report("api-calls", "70000");
    // Another request's 8000 lands between this report's read of the counter (70000) and its write,
    // and
    // this one is answered, as DynamoDB's transaction answers, from that read: 75000, short of 80
    // %.
    UsageCounters racing =
        (UsageCounters)
            Proxy.newProxyInstance(
                UsageCounters.class.getClassLoader(),
                new Class<?>[] {UsageCounters.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("count")) {
                    return method.invoke(counters, args);
                  }
                  counters.add(
                      (CounterKey) args[0],
                      (Metering) args[1],
                      (PeriodClose) args[2],
                      new BigDecimal("8000"),
                      NOW,
                      null);
                  CounterUpdate update = (CounterUpdate) method.invoke(counters, args);
                  CounterStep step = (CounterStep) args[3];
                  return update instanceof CounterUpdate.Counted
                      ? CounterUpdate.Counted.estimated(step.before(), step.after())
                      : update;
                });
    UsageReporting racingReporting =
        new UsageReporting(
            catalog,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            racing,
            signals::add,
            clock,
            Duration.ofHours(24));

    ReportResult answer =
        racingReporting.report(
            instanceToken, "acme-prod", new UsageReport("api-calls", new BigDecimal("5000"), null));

    assertThat(answer.state().currentUsage()).isEqualByComparingTo("75000");
    assertThat(queries.usage(adminToken, "acme-prod", "api-calls").currentUsage())
        .isEqualByComparingTo("83000");
    assertThat(signals)
        .singleElement()
        .satisfies(
            signal -> {
              assertThat(signal.kind()).isEqualTo(ThresholdSignal.Kind.CROSSED);
              assertThat(signal.thresholds()).containsExactly(80);
              assertThat(signal.previous()).isEqualByComparingTo("75000");
              assertThat(signal.updated()).isEqualByComparingTo("83000");
            });
  }

  @Test
  void aCountedReportKeepsItsAnswerWhenTheReadAfterItsWriteFails() {
    UsageCounters unreadable =
        (UsageCounters)
            Proxy.newProxyInstance(
                UsageCounters.class.getClassLoader(),
                new Class<?>[] {UsageCounters.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("tally")) {
                    throw new IllegalStateException("the store is unreachable");
                  }
                  CounterUpdate update = (CounterUpdate) method.invoke(counters, args);
                  return update instanceof CounterUpdate.Counted counted
                          && method.getName().equals("count")
                      ? CounterUpdate.Counted.estimated(counted.before(), counted.after())
                      : update;
                });
    UsageReporting reportingAfterOutage =
        new UsageReporting(
            catalog,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            unreadable,
            signals::add,
            clock,
            Duration.ofHours(24));

    ReportResult answer =
        reportingAfterOutage.report(
            instanceToken, "acme-prod", new UsageReport("api-calls", new BigDecimal("5000"), null));

    assertThat(answer.state().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(answer.state().currentUsage()).isEqualByComparingTo("5000");
    assertThat(queries.usage(adminToken, "acme-prod", "api-calls").currentUsage())
        .isEqualByComparingTo("5000");
  }

  @Test
  void theFirstReportPastASoftLimitAndARefusalAreSignalled() {
    report("burst", "10");
    assertThat(signals)
        .extracting(ThresholdSignal::kind)
        .containsExactly(ThresholdSignal.Kind.CROSSED);
    report("burst", "1");
    assertThat(signals)
        .extracting(ThresholdSignal::kind)
        .containsExactly(ThresholdSignal.Kind.CROSSED, ThresholdSignal.Kind.EXCEEDED);
    report("burst", "5"); // 16 would pass the 50 % overage cap (15): refused
    report("burst", "4"); // 15: counted
    report("burst", "1"); // refused again: this function signalled the refusal already
    assertThat(signals)
        .extracting(ThresholdSignal::kind)
        .containsExactly(
            ThresholdSignal.Kind.CROSSED,
            ThresholdSignal.Kind.EXCEEDED,
            ThresholdSignal.Kind.REJECTED);
    ThresholdSignal refusal = signals.get(2);
    assertThat(refusal.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(refusal.updated()).isEqualByComparingTo("11");
  }

  @Test
  void crossingsAreSignalledOnlyWhenAThresholdIsPassed() {
    report("api-calls", "79999");
    assertThat(signals).isEmpty();
    report("api-calls", "1");
    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).thresholds()).containsExactly(80);
    assertThat(signals.get(0).previous()).isEqualByComparingTo("79999");
    assertThat(signals.get(0).updated()).isEqualByComparingTo("80000");
  }

  @Test
  void badReportsAreRefusedNamingTheFieldAndCountNothing() {
    assertThatThrownBy(() -> report("api-calls", "-1"))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("value");
    assertThatThrownBy(() -> report("nope", "1"))
        .isInstanceOf(UnknownReferenceException.class)
        .extracting("field")
        .isEqualTo("entitlement_slug");
    assertThatThrownBy(() -> report("sso", "1"))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("entitlement_slug");
    assertThatThrownBy(
            () ->
                reporting.report(
                    instanceToken,
                    "acme-prod",
                    new UsageReport("api-calls", BigDecimal.ONE, NOW.plus(Duration.ofMinutes(6)))))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("timestamp");
    assertThat(counters.tallies).isEmpty();
  }

  @Test
  void instanceTokenIsForItsOwnInstanceOnly() {
    assertThatThrownBy(
            () ->
                reporting.report(
                    instanceToken, "other", new UsageReport("api-calls", BigDecimal.ONE, null)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(
            () ->
                reporting.report(
                    adminToken, "other", new UsageReport("api-calls", BigDecimal.ONE, null)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void inactiveLicenseRejectsWithItsReason() {
    String customer = admin.customers().createCustomer(adminToken, "Lapsed", null).id();
    String license =
        admin
            .licenses()
            .createLicense(
                adminToken,
                new LicenseDraft(
                    customer, "pro", LicenseStatus.TRIAL, null, NOW.minusSeconds(1), null, null))
            .id();
    ApiToken token =
        admin.instances().createInstance(adminToken, "lapsed-prod", license, null, null).token();
    ReportResult result =
        reporting.report(token, "lapsed-prod", new UsageReport("api-calls", BigDecimal.ONE, null));
    assertThat(result.state().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(result.reason()).isEqualTo(Reason.TRIAL_ENDED);
    assertThat(counters.tallies).isEmpty();
  }

  private static CheckTallies checks(CheckTally... tallies) {
    return new CheckTallies("chk-7f3a-000042", List.of(tallies));
  }

  @Test
  void aBatchOfTalliesOnlyCountsNothing() {
    CheckTally sso =
        new CheckTally(
            "sso", Instant.parse("2026-11-25T11:59:00Z"), true, CheckReason.GRANTED, 1234L);

    assertThat(reporting.reportAll(instanceToken, "acme-prod", List.of(), checks(sso))).isEmpty();
    assertThat(reporting.reportAll(instanceToken, "acme-prod", null, checks(sso))).isEmpty();
    assertThat(counters.tallies).isEmpty();
    assertThat(signals).isEmpty();
  }

  @Test
  void aBadTallyRefusesTheWholeBatchBeforeAnyReportIsCounted() {
    CheckTally late =
        new CheckTally("sso", Instant.parse("2026-11-24T11:59:00Z"), true, CheckReason.GRANTED, 1L);
    List<UsageReport> reports = List.of(new UsageReport("api-calls", BigDecimal.TEN, null));

    assertThatThrownBy(() -> reporting.reportAll(instanceToken, "acme-prod", reports, checks(late)))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("checks.tallies[0].minute");
    assertThat(counters.tallies).isEmpty();
  }

  @Test
  void withoutTalliesABatchStillHoldsOneToAThousandReports() {
    UsageReport one = new UsageReport("api-calls", BigDecimal.ONE, null);
    CheckTally sso =
        new CheckTally(
            "sso", Instant.parse("2026-11-25T12:00:00Z"), false, CheckReason.DISABLED, 1L);

    assertThatThrownBy(() -> reporting.reportAll(instanceToken, "acme-prod", List.of(), null))
        .hasMessage("events must hold 1 to 1000 reports")
        .extracting("field")
        .isEqualTo("events");
    assertThatThrownBy(() -> reporting.reportAll(instanceToken, "acme-prod", null, null))
        .hasMessage("events must hold 1 to 1000 reports");
    assertThatThrownBy(
            () ->
                reporting.reportAll(
                    instanceToken, "acme-prod", Collections.nCopies(1001, one), checks(sso)))
        .hasMessage("events must hold at most 1000 reports")
        .extracting("field")
        .isEqualTo("events");
    assertThat(
            reporting.reportAll(
                instanceToken, "acme-prod", Collections.nCopies(1000, one), checks(sso)))
        .hasSize(1000);
    assertThat(queries.usage(adminToken, "acme-prod", "api-calls").currentUsage())
        .isEqualByComparingTo("1000");
  }

  @Test
  void talliesAreForTheCallersOwnInstanceToo() {
    CheckTally sso =
        new CheckTally("sso", Instant.parse("2026-11-25T12:00:00Z"), true, CheckReason.GRANTED, 1L);
    assertThatThrownBy(() -> reporting.reportAll(instanceToken, "other", List.of(), checks(sso)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> reporting.reportAll(adminToken, "other", List.of(), checks(sso)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aReportReadsItsEntitlementOnceAndABatchEachOfItsEntitlementsOnce() {
    List<String> read = new ArrayList<>();
    Definitions counting =
        (Definitions)
            Proxy.newProxyInstance(
                Definitions.class.getClassLoader(),
                new Class<?>[] {Definitions.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("findEntitlement")) {
                    read.add((String) args[1]);
                  }
                  try {
                    return method.invoke(catalog, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    UsageReporting readingOnce =
        new UsageReporting(
            counting,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            counters,
            signals::add,
            clock,
            Duration.ofHours(24));

    readingOnce.report(
        instanceToken, "acme-prod", new UsageReport("api-calls", BigDecimal.ONE, null));
    assertThat(read).containsExactly("api-calls");

    read.clear();
    readingOnce.reportAll(
        instanceToken,
        "acme-prod",
        List.of(
            new UsageReport("api-calls", BigDecimal.ONE, null),
            new UsageReport("burst", BigDecimal.ONE, null),
            new UsageReport("api-calls", new BigDecimal("2"), null)),
        null);
    assertThat(read).containsExactlyInAnyOrder("api-calls", "burst");
    assertThat(queries.usage(adminToken, "acme-prod", "api-calls").currentUsage())
        .isEqualByComparingTo("4");
  }
}
