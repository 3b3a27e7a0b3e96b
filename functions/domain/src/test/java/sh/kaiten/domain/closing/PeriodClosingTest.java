package sh.kaiten.domain.closing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.ScheduledRun;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryClosedPeriods;
import sh.kaiten.domain.memory.InMemoryClosingCounters;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryCrossingMarkers;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;

/** The scheduler's period-closing job, fed by real reports, under a controlled clock. */
class PeriodClosingTest {
  private static final Duration LATE_WINDOW = Duration.ofHours(24);
  private static final Instant MARCH_10 = Instant.parse("2026-03-10T00:00:00Z");
  private static final Instant MARCH_11 = Instant.parse("2026-03-11T00:00:00Z");

  /** The end of March 10's period plus the late window: its totals are final from here on. */
  private static final Instant MARCH_10_FINAL = Instant.parse("2026-03-12T00:00:00Z");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final InMemoryClosingCounters closings = new InMemoryClosingCounters(counters);
  private final InMemoryCrossingMarkers markers = new InMemoryCrossingMarkers();
  private final InMemoryClosedPeriods closed = new InMemoryClosedPeriods();
  private ApiToken adminToken;
  private String licenseId;

  @BeforeEach
  void catalog() {
    String secret = "bootstrap-" + System.nanoTime();
    Administration admin =
        new Administration(
            catalog.adminStores(new InMemoryTokens()),
            new InMemoryJournal(),
            Clock.fixed(MARCH_10, ZoneOffset.UTC),
            Optional.of(secret),
            Duration.ofDays(3));
    adminToken = admin.tenants().bootstrapTenant(secret, "Vendor").adminToken();
    metered(
        admin,
        "api-calls",
        new Metering(Aggregation.SUM, Reset.DAY, null, null, Enforcement.HARD, null, null, null));
    metered(
        admin,
        "seats",
        new Metering(
            Aggregation.MAX,
            Reset.DAY,
            null,
            MeterScope.LICENSE,
            Enforcement.SOFT,
            null,
            null,
            null));
    metered(
        admin,
        "events",
        new Metering(
            Aggregation.COUNT, Reset.DAY, null, null, Enforcement.SOFT, null, null, null, 4));
    metered(
        admin,
        "storage",
        new Metering(
            Aggregation.LATEST, Reset.NONE, null, null, Enforcement.SOFT, null, null, null));
    admin
        .catalog()
        .createTier(
            adminToken,
            new TierDraft(
                "pro",
                "Pro",
                1,
                Map.of(
                    "api-calls",
                    JSON.numberNode(1000),
                    "seats",
                    JSON.numberNode(50),
                    "events",
                    JSON.nullNode(),
                    "storage",
                    JSON.numberNode(100))));
    String customer = admin.customers().createCustomer(adminToken, "Acme", Map.of()).id();
    licenseId =
        admin
            .licenses()
            .createLicense(
                adminToken, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    admin.instances().createInstance(adminToken, "acme-prod", licenseId, null, null);
    admin.instances().createInstance(adminToken, "acme-staging", licenseId, null, null);
  }

  private void metered(Administration admin, String slug, Metering metering) {
    admin
        .catalog()
        .createEntitlement(
            adminToken, new Entitlement(slug, slug, EntitlementType.NUMERIC, metering, null, null));
  }

  private void report(Instant at, String instance, String slug, String value) {
    new UsageReporting(
            catalog,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            counters,
            signal -> {},
            Clock.fixed(at, ZoneOffset.UTC),
            LATE_WINDOW)
        .report(adminToken, instance, new UsageReport(slug, new BigDecimal(value), null));
  }

  private ScheduledRun run(Instant now) {
    return new PeriodClosing(
            closings, markers, closed, Clock.fixed(now, ZoneOffset.UTC), LATE_WINDOW)
        .fireDue();
  }

  private CounterKey counter(String slug, String holder, String period) {
    return new CounterKey(adminToken.tenantId(), slug, holder, period);
  }

  /**
   * March 10: 5 + 7 + 8 API calls, seats peaking at 5 across the license, 2 events; lifetime
   * storage.
   */
  private void reportMarch10() {
    Instant morning = Instant.parse("2026-03-10T09:00:00Z");
    report(morning, "acme-prod", "api-calls", "5");
    report(morning, "acme-prod", "api-calls", "7");
    report(morning.plusSeconds(60), "acme-prod", "api-calls", "8");
    report(morning, "acme-prod", "seats", "3");
    report(morning, "acme-staging", "seats", "5");
    report(morning, "acme-prod", "events", "1");
    report(morning, "acme-prod", "events", "1");
    report(morning, "acme-prod", "storage", "12");
  }

  @Test
  void eachClosedPeriodIsAnnouncedOnceWithItsTotalsWhenTheLateWindowHasPassed() {
    reportMarch10();

    assertThat(run(MARCH_10_FINAL.minusMillis(1)).fired()).isEmpty();
    ScheduledRun closing = run(MARCH_10_FINAL);

    assertThat(closing.failures()).isEmpty();
    assertThat(closing.fired())
        .allSatisfy(
            event -> {
              assertThat(event.type()).isEqualTo(EventType.USAGE_PERIOD_CLOSED);
              assertThat(event.tenantId()).isEqualTo(adminToken.tenantId());
              assertThat(event.createdAt()).isEqualTo(MARCH_10_FINAL);
            });
    assertThat(closing.fired())
        .extracting(event -> event.data().toString())
        .containsExactlyInAnyOrder(
            "{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\",\"aggregation\":\"SUM\","
                + "\"period_start\":\"2026-03-10T00:00:00Z\",\"period_end\":\"2026-03-11T00:00:00Z\","
                + "\"usage\":20,\"reports\":3,\"limit\":1000}",
            "{\"license_id\":\""
                + licenseId
                + "\",\"entitlement\":\"seats\",\"aggregation\":\"MAX\","
                + "\"period_start\":\"2026-03-10T00:00:00Z\",\"period_end\":\"2026-03-11T00:00:00Z\","
                + "\"usage\":5,\"reports\":null,\"limit\":50}",
            "{\"instance_id\":\"acme-prod\",\"entitlement\":\"events\",\"aggregation\":\"COUNT\","
                + "\"period_start\":\"2026-03-10T00:00:00Z\",\"period_end\":\"2026-03-11T00:00:00Z\","
                + "\"usage\":2,\"reports\":2,\"limit\":null}");
    assertThat(markers.outbox.events).isEqualTo(closing.fired());
  }

  @Test
  void eachClosedPeriodIsKeptWithTheFiguresItsEventAnnounced() {
    reportMarch10();

    run(MARCH_10_FINAL);

    String tenant = adminToken.tenantId();
    assertThat(closed.all())
        .containsExactlyInAnyOrder(
            new ClosedPeriod(
                tenant,
                "instance:acme-prod",
                "api-calls",
                Aggregation.SUM,
                MARCH_10,
                MARCH_11,
                new BigDecimal("20")),
            new ClosedPeriod(
                tenant,
                "license:" + licenseId,
                "seats",
                Aggregation.MAX,
                MARCH_10,
                MARCH_11,
                new BigDecimal("5")),
            new ClosedPeriod(
                tenant,
                "instance:acme-prod",
                "events",
                Aggregation.COUNT,
                MARCH_10,
                MARCH_11,
                new BigDecimal("2")));
  }

  /**
   * A run that fired the seats' close and stopped before keeping it: the next run fires nothing
   * again, and keeps the period with the figures announced.
   */
  @Test
  void aCloseFiredByARunThatStoppedShortIsKeptByTheNext() {
    reportMarch10();
    CounterKey seats = counter("seats", "license:" + licenseId, MARCH_10.toString());
    markers.fire(
        seats,
        PeriodClosing.CLOSED,
        new Event(
            "evt_earlier",
            adminToken.tenantId(),
            EventType.USAGE_PERIOD_CLOSED,
            MARCH_10_FINAL,
            JSON.objectNode()));

    ScheduledRun next = run(MARCH_10_FINAL.plusSeconds(60));
    run(MARCH_10_FINAL.plusSeconds(120));

    assertThat(next.fired())
        .extracting(event -> event.data().get("entitlement").asText())
        .containsExactlyInAnyOrder("api-calls", "events");
    assertThat(closed.all())
        .filteredOn(period -> period.entitlement().equals("seats"))
        .containsExactly(
            new ClosedPeriod(
                adminToken.tenantId(),
                "license:" + licenseId,
                "seats",
                Aggregation.MAX,
                MARCH_10,
                MARCH_11,
                new BigDecimal("5")));
    assertThat(closed.all()).hasSize(3);
  }

  @Test
  void repeatedRunsAnnounceEachPeriodExactlyOnce() {
    reportMarch10();

    assertThat(run(MARCH_10_FINAL).fired()).hasSize(3);
    assertThat(run(MARCH_10_FINAL).fired()).isEmpty();
    assertThat(run(MARCH_10_FINAL.plus(Duration.ofDays(3))).fired()).isEmpty();

    assertThat(markers.outbox.events).hasSize(3);
    assertThat(closings.pending()).isEmpty();
  }

  @Test
  void theOpenPeriodWaitsForItsOwnEndPlusTheLateWindow() {
    reportMarch10();
    report(Instant.parse("2026-03-11T09:00:00Z"), "acme-prod", "api-calls", "4");
    Instant march11Final = MARCH_11.plus(Duration.ofDays(1)).plus(LATE_WINDOW);

    assertThat(run(MARCH_10_FINAL).fired())
        .extracting(event -> event.data().get("period_start").asText())
        .containsOnly("2026-03-10T00:00:00Z");
    assertThat(run(march11Final.minusMillis(1)).fired()).isEmpty();
    ScheduledRun next = run(march11Final);

    assertThat(next.fired())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.data().get("period_start").asText())
                  .isEqualTo("2026-03-11T00:00:00Z");
              assertThat(event.data().get("usage").decimalValue()).isEqualByComparingTo("4");
              assertThat(event.data().get("reports").asLong()).isEqualTo(1);
            });
  }

  @Test
  void aShardedCounterIsAnnouncedOnceWithItsShardsMerged() {
    reportMarch10();
    CounterKey events = counter("events", "instance:acme-prod", MARCH_10.toString());
    Instant at = Instant.parse("2026-03-10T10:00:00Z");
    Period march10 = new Period(MARCH_10, MARCH_11);
    closings.fileShard(
        new CounterItem(
            events,
            1,
            Aggregation.COUNT,
            march10,
            null,
            Tally.EMPTY.plus(BigDecimal.ONE, at).plus(BigDecimal.ONE, at).plus(BigDecimal.ONE, at)),
        MARCH_10_FINAL);
    closings.fileShard(
        new CounterItem(
            events, 3, Aggregation.COUNT, march10, null, Tally.EMPTY.plus(BigDecimal.ONE, at)),
        MARCH_10_FINAL);

    ScheduledRun closing = run(MARCH_10_FINAL);

    assertThat(closing.fired())
        .filteredOn(event -> event.data().get("entitlement").asText().equals("events"))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.data().get("usage").decimalValue()).isEqualByComparingTo("6");
              assertThat(event.data().get("reports").asLong()).isEqualTo(6);
            });
    assertThat(closings.pending()).isEmpty();
  }

  @Test
  void shardsThatSawTheLimitChangeGiveTheHighest() {
    CounterKey calls = counter("api-calls", "license:" + licenseId, MARCH_10.toString());
    Period march10 = new Period(MARCH_10, MARCH_11);
    Tally one = Tally.EMPTY.plus(BigDecimal.ONE, MARCH_10);
    closings.fileShard(
        new CounterItem(calls, 0, Aggregation.SUM, march10, new BigDecimal("100"), one),
        MARCH_10_FINAL);
    closings.fileShard(
        new CounterItem(calls, 1, Aggregation.SUM, march10, new BigDecimal("150"), one),
        MARCH_10_FINAL);
    closings.fileShard(
        new CounterItem(calls, 2, Aggregation.SUM, march10, new BigDecimal("120"), one),
        MARCH_10_FINAL);

    assertThat(run(MARCH_10_FINAL).fired())
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.data().get("limit").decimalValue()).isEqualByComparingTo("150"));
  }

  @Test
  void aLifetimeCounterNeverCloses() {
    report(Instant.parse("2026-03-10T09:00:00Z"), "acme-prod", "storage", "12");

    assertThat(
            counters
                .closes
                .get(counter("storage", "instance:acme-prod", Period.LIFETIME.key()))
                .closes())
        .isFalse();
    assertThat(run(MARCH_10_FINAL.plus(Duration.ofDays(400))).fired()).isEmpty();
    assertThat(markers.outbox.events).isEmpty();
  }

  @Test
  void aPeriodFiledUnderAShorterLateWindowWaitsForThisOne() {
    CounterKey calls = counter("api-calls", "instance:acme-prod", MARCH_10.toString());
    closings.fileShard(
        new CounterItem(
            calls,
            0,
            Aggregation.SUM,
            new Period(MARCH_10, MARCH_11),
            null,
            Tally.EMPTY.plus(BigDecimal.TEN, MARCH_10)),
        MARCH_11.plus(Duration.ofHours(1)));

    assertThat(run(MARCH_11.plus(Duration.ofHours(1))).fired()).isEmpty();
    assertThat(run(MARCH_10_FINAL).fired())
        .extracting(Event::type)
        .containsExactly(EventType.USAGE_PERIOD_CLOSED);
  }

  @Test
  void aRunStopsStartingPeriodsOnceItsBudgetIsSpentAndTheNextRunTakesTheRest() {
    reportMarch10();
    Clock slow =
        new Clock() {
          private Instant now = MARCH_10_FINAL;

          @Override
          public Instant instant() {
            Instant read = now;
            now = now.plus(PeriodClosing.BUDGET.dividedBy(2)); // each period takes half the budget
            return read;
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
          }
        };

    ScheduledRun first = new PeriodClosing(closings, markers, closed, slow, LATE_WINDOW).fireDue();

    assertThat(first.fired()).hasSize(1);
    assertThat(run(MARCH_10_FINAL).fired()).hasSize(2);
    assertThat(markers.outbox.events)
        .extracting(event -> event.data().get("entitlement").asText())
        .containsExactlyInAnyOrder("api-calls", "seats", "events");
  }

  @Test
  void aCloseWhoseWriteFailedStaysDueAndTheNextRunFiresItOnce() {
    report(Instant.parse("2026-03-10T09:00:00Z"), "acme-prod", "api-calls", "5");
    markers.failNextWrite();

    ScheduledRun failed = run(MARCH_10_FINAL);
    assertThat(failed.fired()).isEmpty();
    assertThat(failed.failures())
        .singleElement()
        .asString()
        .startsWith(
            "the close of api-calls for instance:acme-prod in period 2026-03-10T00:00:00Z (tenant ")
        .endsWith("the usage table is unavailable");
    assertThat(markers.outbox.events).isEmpty();

    ScheduledRun retried = run(MARCH_10_FINAL.plusSeconds(1));

    assertThat(retried.fired())
        .singleElement()
        .extracting(Event::type)
        .isEqualTo(EventType.USAGE_PERIOD_CLOSED);
    assertThat(markers.outbox.events).isEqualTo(retried.fired());
    assertThat(run(MARCH_10_FINAL.plusSeconds(2)).fired()).isEmpty();
    assertThat(markers.outbox.events).hasSize(1);
  }
}
