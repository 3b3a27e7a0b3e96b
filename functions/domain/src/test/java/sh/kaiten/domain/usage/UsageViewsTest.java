package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryUsageHistory;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.usage.UsageViews.HistoryFilter;

class UsageViewsTest {
  private static final String TENANT = "ten_1";
  private static final Instant NOW = Instant.parse("2025-06-15T00:00:00Z");

  /**
   * A license phased from the last day of a month: its monthly periods end on the 28th or the 31st.
   */
  private static final Instant LICENSE_START = Instant.parse("2025-01-31T12:00:00Z");

  private static final ApiToken ADMIN =
      new ApiToken("tok_a", TENANT, TokenScope.ADMIN, null, null, NOW);

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final UsageViews views =
      new UsageViews(
          catalog,
          catalog,
          catalog,
          new InMemoryUsageHistory(counters),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeEach
  void catalog() {
    // What the license names exists, as the stores require.
    catalog.createTier(
        TENANT, new Tier("pro", "Pro", 1, Map.of(), LICENSE_START), ChangeRecords.NONE);
    catalog.createCustomer(
        TENANT, new Customer("cus_1", "Acme", Map.of(), LICENSE_START), ChangeRecords.NONE);
    catalog.createLicense(
        TENANT,
        new License(
            "lic_1",
            "cus_1",
            "pro",
            LicenseStatus.ACTIVE,
            LICENSE_START,
            null,
            null,
            Map.of(),
            LICENSE_START,
            LICENSE_START),
        List.of(),
        ChangeRecords.NONE);
    catalog.createInstance(
        TENANT, new Instance("acme-prod", "lic_1", null, null, LICENSE_START), ChangeRecords.NONE);
    entitlement("a-calls", Aggregation.SUM, ResetAnchor.CALENDAR, MeterScope.INSTANCE);
    entitlement("b-peak", Aggregation.MAX, ResetAnchor.CALENDAR, MeterScope.INSTANCE);
    entitlement("c-anchored", Aggregation.COUNT, ResetAnchor.LICENSE_START, MeterScope.INSTANCE);
    entitlement("d-pool", Aggregation.SUM, ResetAnchor.CALENDAR, MeterScope.LICENSE);
    for (String at :
        List.of("2025-01-05T00:00:00Z", "2025-02-05T00:00:00Z", "2025-03-05T00:00:00Z")) {
      add("a-calls", ResetAnchor.CALENDAR, "instance:acme-prod", "10", at);
    }
    // b-peak has no counter at all.
    add("c-anchored", ResetAnchor.LICENSE_START, "instance:acme-prod", "1", "2025-03-01T00:00:00Z");
    add("c-anchored", ResetAnchor.LICENSE_START, "instance:acme-prod", "1", "2025-03-31T11:59:59Z");
    add("c-anchored", ResetAnchor.LICENSE_START, "instance:acme-prod", "1", "2025-06-14T00:00:00Z");
    add("d-pool", ResetAnchor.CALENDAR, "license:lic_1", "4", "2025-01-05T00:00:00Z");
  }

  private void entitlement(
      String slug, Aggregation aggregation, ResetAnchor anchor, MeterScope scope) {
    catalog.createEntitlement(
        TENANT,
        new Entitlement(
            slug,
            slug,
            EntitlementType.NUMERIC,
            new Metering(
                aggregation, Reset.MONTH, anchor, scope, Enforcement.SOFT, null, null, null),
            null,
            NOW),
        ChangeRecords.NONE);
  }

  private void add(String slug, ResetAnchor anchor, String holder, String value, String at) {
    Instant when = Instant.parse(at);
    Metering metering = catalog.findEntitlement(TENANT, slug).orElseThrow().metering();
    Period period = Periods.containing(Reset.MONTH, anchor, LICENSE_START, when);
    counters.add(
        new CounterKey(TENANT, slug, holder, period.key()),
        metering,
        PeriodClose.of(period, Duration.ZERO, null),
        new BigDecimal(value),
        when,
        null);
  }

  private List<PeriodUsage> allPages(int limit) {
    List<PeriodUsage> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Page<PeriodUsage> page =
          views.instanceHistory(
              ADMIN,
              "acme-prod",
              new HistoryFilter(null, null, null),
              new PageRequest(cursor, limit));
      assertThat(page.items().size()).isLessThanOrEqualTo(limit);
      all.addAll(page.items());
      cursor = page.nextCursor();
      assertThat(++pages).as("pages at limit %d", limit).isLessThanOrEqualTo(6 / limit + 2);
    } while (cursor != null);
    return all;
  }

  @Test
  void everyPageSizeListsTheSamePeriodsOnceEachInTheSameOrder() {
    List<PeriodUsage> onePage = allPages(PageRequest.MAX_LIMIT);
    assertThat(onePage)
        .extracting(PeriodUsage::entitlement)
        .containsExactly("a-calls", "a-calls", "a-calls", "c-anchored", "c-anchored");
    for (int limit = 1; limit <= 6; limit++) {
      assertThat(allPages(limit)).as("limit %d", limit).isEqualTo(onePage);
    }
  }

  @Test
  void aLicenseStartPeriodEndsAtTheNextResetAfterItsStart() {
    Page<PeriodUsage> page =
        views.instanceHistory(
            ADMIN,
            "acme-prod",
            new HistoryFilter("c-anchored", null, null),
            new PageRequest(null, 50));
    assertThat(page.items())
        .containsExactly(
            new PeriodUsage(
                "c-anchored",
                "instance:acme-prod",
                new Period(
                    Instant.parse("2025-02-28T12:00:00Z"), Instant.parse("2025-03-31T12:00:00Z")),
                Aggregation.COUNT,
                new BigDecimal("2"),
                2L,
                true),
            new PeriodUsage(
                "c-anchored",
                "instance:acme-prod",
                new Period(
                    Instant.parse("2025-05-31T12:00:00Z"), Instant.parse("2025-06-30T12:00:00Z")),
                Aggregation.COUNT,
                new BigDecimal("1"),
                1L,
                false));
  }

  @Test
  void theLicenseHistoryIsItsPoolOnly() {
    assertThat(
            views
                .licenseHistory(
                    ADMIN, "lic_1", new HistoryFilter(null, null, null), new PageRequest(null, 50))
                .items())
        .containsExactly(
            new PeriodUsage(
                "d-pool",
                "license:lic_1",
                new Period(
                    Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-02-01T00:00:00Z")),
                Aggregation.SUM,
                new BigDecimal("4"),
                1L,
                true));
  }

  @Test
  void anExportCoversAtMost366Days() {
    Instant from = Instant.parse("2025-01-01T00:00:00Z");
    assertThat(views.export(ADMIN, from, from.plus(Duration.ofDays(366))))
        .extracting(PeriodUsage::entitlement)
        .containsExactly("a-calls", "a-calls", "a-calls", "c-anchored", "c-anchored", "d-pool");
    assertThatThrownBy(
            () -> views.export(ADMIN, from, from.plus(Duration.ofDays(366)).plusSeconds(1)))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("to");
  }

  @Test
  void anInstanceTokenSeesNoAdminView() {
    ApiToken instance =
        new ApiToken("tok_i", TENANT, TokenScope.INSTANCE, "acme-prod", "lic_1", NOW);
    HistoryFilter all = new HistoryFilter(null, null, null);
    assertThatThrownBy(
            () -> views.instanceHistory(instance, "acme-prod", all, new PageRequest(null, 50)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(
            () -> views.licenseHistory(instance, "lic_1", all, new PageRequest(null, 50)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> views.export(instance, NOW.minusSeconds(60), NOW))
        .isInstanceOf(ForbiddenException.class);
  }
}
